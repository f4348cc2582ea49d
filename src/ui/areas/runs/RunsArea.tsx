// Runs area (placeholder until its issue lands).
export function RunsArea() {
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs</h2>
      <p>Coming soon.</p>
    </section>
  );
}
