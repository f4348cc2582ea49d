// Train area: pick model and backend, start / pause / resume / stop a run, and watch it learn.
import { useEffect } from 'react';
import { useRuns } from '../../../state/runs-store';
import { TrainCharts } from './TrainCharts';
import { TrainControls } from './TrainControls';
import { TrainStatus } from './TrainStatus';
import './train.css';

export function TrainArea() {
  const load = useRuns((s) => s.load);
  useEffect(() => {
    void load().catch(() => undefined);
  }, [load]);
  return (
    <section aria-labelledby="train-title" className="area train-area">
      <h2 id="train-title">Train</h2>
      <TrainControls />
      <TrainStatus />
      <TrainCharts />
    </section>
  );
}
