// Data area: open HDF5 crop sets (and see crops other areas added), inspect them, label, split, export.
import { useEffect } from 'react';
import { useDataStore } from '../../../state/data-store';
import { CropGallery } from './CropGallery';
import { DatasetVersionsPanel } from './DatasetVersionsPanel';
import { ExportPanel } from './ExportPanel';
import { FindingsList } from './FindingsList';
import { OpenPanel } from './OpenPanel';
import { RememberedSources } from './RememberedSources';
import { SourcesOverview } from './SourcesOverview';
import { SplitPanel } from './SplitPanel';
import './data.css';

export function DataArea() {
  // Crops other areas added (kept in IndexedDB) come back after a reload.
  useEffect(() => void useDataStore.getState().restore(), []);
  return (
    <section aria-labelledby="data-title" className="area data-area">
      <h2 id="data-title">Data</h2>
      <OpenPanel />
      <RememberedSources />
      <SourcesOverview />
      <div className="grid-2">
        <SplitPanel />
        <ExportPanel />
      </div>
      <DatasetVersionsPanel />
      <FindingsList />
      <CropGallery />
    </section>
  );
}
