// The studio shell: header, area navigation (hash routes), the active area, and the notices.
import { useEffect } from 'react';
import type { Area } from '../../core/routing/hash-route';
import { useHpo } from '../../state/hpo-store';
import { connectRegistry } from '../../state/registry-hooks';
import { useRoute } from '../../state/route-store';
import { useSettings } from '../../state/settings-store';
import { DataArea } from '../areas/data/DataArea';
import { EvaluateArea } from '../areas/evaluate/EvaluateArea';
import { ExtractArea } from '../areas/extract/ExtractArea';
import { GenerateArea } from '../areas/generate/GenerateArea';
import { ModelsArea } from '../areas/models/ModelsArea';
import { RefineArea } from '../areas/refine/RefineArea';
import { ImagesArea } from '../areas/images/ImagesArea';
import { RunsArea } from '../areas/runs/RunsArea';
import { SearchArea } from '../areas/search/SearchArea';
import { SystemArea } from '../areas/system/SystemArea';
import { TrainArea } from '../areas/train/TrainArea';
import { BackendBadge } from './BackendBadge';
import { ConfigErrors } from './ConfigErrors';
import { DemoOffer } from './DemoOffer';
import { Notices } from './Notices';

const NAV: { area: Area; label: string; hint: string }[] = [
  { area: 'data', label: 'Data', hint: 'Open HDF5 crop sets, inspect, label and split them' },
  { area: 'extract', label: 'Extract', hint: 'Find spatters in build videos' },
  { area: 'generate', label: 'Generate', hint: 'Make synthetic scenes and crop sets' },
  { area: 'train', label: 'Train', hint: 'Train LeNet5 and friends' },
  { area: 'search', label: 'Search', hint: 'Hyper-parameter studies: TPE, pruning, Optuna files' },
  { area: 'evaluate', label: 'Evaluate', hint: 'Metrics, predictions, export' },
  { area: 'refine', label: 'Refine', hint: 'Find wrong labels, pseudo-label, map every crop, retrain' },
  { area: 'images', label: 'Images', hint: 'Labelled image sets: multi-class, multi-label, ConvNeXt + CBAM' },
  { area: 'runs', label: 'Runs', hint: 'Every run kept, compared' },
  { area: 'models', label: 'Models', hint: 'Model registry, production alias, incremental learning' },
  { area: 'system', label: 'System', hint: 'Compute backends and configuration' },
];

const AREA_VIEW: Record<Area, () => React.JSX.Element> = {
  data: DataArea,
  extract: ExtractArea,
  generate: GenerateArea,
  train: TrainArea,
  search: SearchArea,
  evaluate: EvaluateArea,
  refine: RefineArea,
  images: ImagesArea,
  runs: RunsArea,
  models: ModelsArea,
  system: SystemArea,
};

export function App() {
  const area = useRoute((s) => s.area);
  const go = useRoute((s) => s.go);
  const detect = useSettings((s) => s.detect);
  useEffect(() => connectRegistry(), []);
  useEffect(() => {
    void detect();
  }, [detect]);
  // A search that was running when the page closed continues, whichever area the page opens on.
  const loadStudies = useHpo((s) => s.load);
  useEffect(() => {
    void loadStudies();
  }, [loadStudies]);
  const View = AREA_VIEW[area];
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-header">
        <h1 className="shell-title">
          <span aria-hidden="true">✦</span> Spatter Studio
        </h1>
        <nav aria-label="Studio areas" className="shell-nav">
          {NAV.map((n) => (
            <a
              key={n.area}
              href={`#/${n.area}`}
              title={n.hint}
              aria-current={n.area === area ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                go(n.area);
              }}
            >
              {n.label}
            </a>
          ))}
        </nav>
        <BackendBadge />
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        <ConfigErrors />
        <DemoOffer />
        <View />
      </main>
      <Notices />
    </div>
  );
}
