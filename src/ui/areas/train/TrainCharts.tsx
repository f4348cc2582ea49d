// Live charts of the run. The store receives the worker's stream a few times a second (throttled in the
// worker), so these re-render at that rate, not per batch; animations are off for live data.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useTrain } from '../../../state/train-store';
import { xAxisProps, yAxisProps } from '../../shared/chart-axis';

const H = 220;

export function TrainCharts() {
  const history = useTrain((s) => s.history);
  const batches = history.batches;
  const epochs = history.epochs;
  return (
    <div className="train-charts">
      <figure
        className="card"
        aria-label="Loss per batch"
        data-testid="chart-batch-loss"
        data-first-loss={batches[0]?.loss}
        data-last-loss={batches.at(-1)?.loss}
        data-points={batches.length}
      >
        <figcaption>Training loss per batch</figcaption>
        <ResponsiveContainer width="100%" height={H}>
          <LineChart data={batches}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...xAxisProps} dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
            <YAxis {...yAxisProps} domain={['auto', 'auto']} />
            <Tooltip />
            <Line type="linear" dataKey="loss" stroke="#c2410c" dot={false} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="card"
        aria-label="Loss per epoch"
        data-testid="chart-epoch-loss"
        data-points={epochs.length}
      >
        <figcaption>Loss per epoch (train and validation)</figcaption>
        <ResponsiveContainer width="100%" height={H}>
          <LineChart data={epochs}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...xAxisProps} dataKey="epoch" />
            <YAxis {...yAxisProps} domain={['auto', 'auto']} />
            <Tooltip />
            <Legend />
            <Line name="train" dataKey="trainLoss" stroke="#c2410c" isAnimationActive={false} />
            <Line name="validation" dataKey="valLoss" stroke="#1d4ed8" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="card"
        aria-label="Accuracy per epoch"
        data-testid="chart-val-acc"
        data-points={epochs.length}
        data-last-train-acc={epochs.at(-1)?.trainAcc}
      >
        <figcaption>Accuracy per epoch (train and validation)</figcaption>
        <ResponsiveContainer width="100%" height={H}>
          <LineChart data={epochs}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...xAxisProps} dataKey="epoch" />
            <YAxis {...yAxisProps} domain={[0.5, 1]} />
            <Tooltip />
            <Legend />
            <Line name="train" dataKey="trainAcc" stroke="#c2410c" isAnimationActive={false} />
            <Line name="validation" dataKey="valAcc" stroke="#15803d" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </figure>
      <figure
        className="card"
        aria-label="Learning rate and throughput"
        data-testid="chart-lr-speed"
        data-points={batches.length}
      >
        <figcaption>Learning rate and images/second</figcaption>
        <ResponsiveContainer width="100%" height={H}>
          <LineChart data={batches}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis {...xAxisProps} dataKey="step" type="number" domain={['dataMin', 'dataMax']} />
            <YAxis {...yAxisProps} yAxisId="lr" domain={[0, 'auto']} />
            <YAxis {...yAxisProps} yAxisId="speed" orientation="right" domain={[0, 'auto']} />
            <Tooltip />
            <Legend />
            <Line
              yAxisId="lr"
              name="learning rate"
              dataKey="lr"
              stroke="#7c3aed"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="speed"
              name="img/s"
              dataKey="imgPerSec"
              stroke="#0891b2"
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </figure>
    </div>
  );
}
