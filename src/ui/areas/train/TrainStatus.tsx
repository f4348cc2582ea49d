// One line of what the run is doing: phase, epoch/batch, speed, time left, and the final message.
import { useTrain } from '../../../state/train-store';

function duration(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function TrainStatus() {
  const phase = useTrain((s) => s.phase);
  const info = useTrain((s) => s.info);
  const backend = useTrain((s) => s.backend);
  const message = useTrain((s) => s.message);
  const last = useTrain((s) => s.history.batches.at(-1));
  const result = useTrain((s) => s.result);
  return (
    <section aria-label="Training status" className="card train-status">
      <p role="status" aria-live="polite">
        <strong data-testid="train-phase">{phase}</strong>
        {backend ? ` on ${backend}` : ''}
        {info ? ` · epoch ${info.epoch}, batch ${info.batch}/${info.batchesPerEpoch}` : ''}
        {last ? ` · loss ${last.loss.toFixed(4)} · ${Math.round(last.imgPerSec).toLocaleString()} img/s` : ''}
        {info && phase === 'running' ? ` · time left ${duration(info.secondsLeft)}` : ''}
      </p>
      {message ? <p className={result?.status === 'failed' ? 'train-error' : undefined}>{message}</p> : null}
    </section>
  );
}
