// Extract area (placeholder until its issue lands).
export function ExtractArea() {
  return (
    <section aria-labelledby="extract-title">
      <h2 id="extract-title">Extract</h2>
      <p>Coming soon.</p>
    </section>
  );
}
