// Train area (placeholder until its issue lands).
export function TrainArea() {
  return (
    <section aria-labelledby="train-title">
      <h2 id="train-title">Train</h2>
      <p>Coming soon.</p>
    </section>
  );
}
