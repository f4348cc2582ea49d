// Evaluate area (placeholder until its issue lands).
export function EvaluateArea() {
  return (
    <section aria-labelledby="evaluate-title">
      <h2 id="evaluate-title">Evaluate</h2>
      <p>Coming soon.</p>
    </section>
  );
}
