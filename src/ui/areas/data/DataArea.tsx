// Data area (placeholder until its issue lands).
export function DataArea() {
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">Data</h2>
      <p>Coming soon.</p>
    </section>
  );
}
