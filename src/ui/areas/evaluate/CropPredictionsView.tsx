// The classification of dropped images: each crop with its predicted class and confidence, least confident
// first (the ones to look at), and a CSV of all of them.
import { predictClasses, predictionConfidence } from '../../../core/eval/metrics';
import { toCsv } from '../../../core/eval/csv';
import { downloadBytes, useEval } from '../../../state/eval-store';
import { CropThumb } from './CropThumb';

const MAX_SHOWN = 120;

export function CropPredictionsView() {
  const cp = useEval((s) => s.cropPredictions);
  const threshold = useEval((s) => s.threshold);
  if (!cp) return null;
  const predicted = predictClasses(cp.probs, cp.numOutputs, threshold);
  const confidence = predictionConfidence(cp.probs, cp.numOutputs, predicted);
  const order = Array.from(predicted, (_, i) => i).sort((a, b) => confidence[a]! - confidence[b]!);
  const black = cp.black;
  const blackCount = black.filter(Boolean).length;
  const counts = cp.classNames.map((_, c) => predicted.filter((p, i) => p === c && !black[i]).length);
  const csv = () =>
    toCsv(
      [
        'image',
        'predicted',
        'confidence',
        'all_black',
        ...(cp.numOutputs === 1 ? [`p_${cp.classNames[1]}`] : cp.classNames.map((c) => `p_${c}`)),
      ],
      cp.names.map((n, i) => [
        n,
        cp.classNames[predicted[i]!],
        confidence[i],
        black[i] ? 1 : 0,
        ...Array.from(cp.probs.subarray(i * cp.numOutputs, (i + 1) * cp.numOutputs)),
      ]),
    );
  return (
    <section aria-labelledby="evaluate-crop-predictions-title" className="card">
      <h3 id="evaluate-crop-predictions-title">Dropped images, classified</h3>
      <p data-testid="crop-predictions-summary">
        {cp.names.length} images: {cp.classNames.map((c, i) => `${counts[i]} ${c}`).join(', ')} at threshold{' '}
        {threshold.toFixed(2)}
        {blackCount ? ` · ${blackCount} all black (flagged, not counted as a class)` : ''}
      </p>
      <button type="button" onClick={() => downloadBytes('classified-images.csv', csv(), 'text/csv')}>
        Download classified images CSV
      </button>
      <ul className="evaluate-gallery" aria-label="Classified images, least confident first">
        {order.slice(0, MAX_SHOWN).map((i) => (
          <li key={i}>
            <CropThumb
              x={cp.x}
              side={cp.side}
              index={i}
              label={`${cp.names[i]}: ${black[i] ? 'all black, ' : ''}predicted ${cp.classNames[predicted[i]!]} at ${(100 * confidence[i]!).toFixed(1)}%`}
            />
            <small className={black[i] ? 'warn' : undefined}>
              {black[i] ? 'all black · ' : ''}
              predicted {cp.classNames[predicted[i]!]} {(100 * confidence[i]!).toFixed(0)}%
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
