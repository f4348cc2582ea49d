// Evaluate area: choose a model and data, see every figure of the evaluation, export the model, and classify
// a build video into a gas-flow timeline.
import { useEffect } from 'react';
import { useRegistry } from '../../../state/registry-store';
import { BuildPanel } from './BuildPanel';
import { CropPredictionsView } from './CropPredictionsView';
import { DataPanel } from './DataPanel';
import { EvaluationResults } from './EvaluationResults';
import { ModelPanel } from './ModelPanel';
import { VideoTimeline } from './VideoTimeline';
import './evaluate.css';

export function EvaluateArea() {
  // The registry's production version is the default model here (and for classifying a build).
  useEffect(() => {
    void useRegistry.getState().useProductionInEvaluate();
  }, []);
  return (
    <section aria-labelledby="evaluate-title" className="area">
      <h2 id="evaluate-title">Evaluate</h2>
      <div className="grid-2">
        <ModelPanel />
        <DataPanel />
      </div>
      <CropPredictionsView />
      <EvaluationResults />
      <BuildPanel />
      <VideoTimeline />
    </section>
  );
}
