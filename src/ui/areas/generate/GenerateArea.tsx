// Generate area (placeholder until its issue lands).
export function GenerateArea() {
  return (
    <section aria-labelledby="generate-title">
      <h2 id="generate-title">Generate</h2>
      <p>Coming soon.</p>
    </section>
  );
}
