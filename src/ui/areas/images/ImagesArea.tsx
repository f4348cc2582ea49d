// Images area: labelled image sets beyond spatter crops (folder per class, CSV, steel layout, the generated
// steel demo) — overview, stratified split, ConvNeXt (+ CBAM) training with augmentations, per-class and
// averaged metrics, results.json and exports.
import { useEffect } from 'react';
import { classCounts } from '../../../core/images/task';
import { useImages } from '../../../state/images-store';
import { ImageResults } from './ImageResults';
import { ImageTraining } from './ImageTraining';
import { ImageVersions } from './ImageVersions';
import { ImageSetReview } from './ImageSetReview';
import './images.css';

function OpenPanel() {
  const open = useImages((s) => s.open);
  const loadDemo = useImages((s) => s.loadDemo);
  const progress = useImages((s) => s.progress);
  const phase = useImages((s) => s.phase);
  return (
    <section
      className="card"
      aria-labelledby="images-open-title"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (e.dataTransfer.files.length) void open([...e.dataTransfer.files]);
      }}
    >
      <h3 id="images-open-title">Open an image set</h3>
      <p className="muted">
        A folder with one sub-folder per class (ImageFolder), or images with a CSV: <code>image,label</code>{' '}
        (one class each) or the steel-defect layout <code>ImageId,ClassId[,EncodedPixels]</code> (several
        classes or none per image) — as a folder, a ZIP of it, or the files themselves (pick or drop them
        here). Greyscale or RGB, any size; nothing leaves the browser.
      </p>
      <div className="row">
        <label className="file-button">
          Open image folder
          <input
            type="file"
            aria-label="Open image folder"
            // @ts-expect-error webkitdirectory is not in React's input attributes
            webkitdirectory=""
            multiple
            onChange={(e) => {
              void open([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        <label className="file-button">
          Open images and a labels CSV
          <input
            type="file"
            aria-label="Open image files"
            multiple
            accept="image/*,.csv,.zip"
            onChange={(e) => {
              void open([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        <label className="file-button">
          Open a ZIP
          <input
            type="file"
            aria-label="Open image ZIP"
            accept=".zip,application/zip"
            multiple
            onChange={(e) => {
              void open([...(e.target.files ?? [])]);
              e.target.value = '';
            }}
          />
        </label>
        <button type="button" disabled={phase === 'training'} onClick={() => void loadDemo()}>
          Generate steel demo (120 images, 256×1600)
        </button>
      </div>
      {progress && phase === 'idle' ? <p className="muted">{progress}</p> : null}
    </section>
  );
}

function Overview() {
  const labels = useImages((s) => s.labels);
  const size = useImages((s) => s.naturalSize);
  const split = useImages((s) => s.split);
  const makeSplit = useImages((s) => s.makeSplit);
  if (!labels) return null;
  const counts = classCounts(labels);
  const none = labels.items.filter((i) => i.labels.length === 0).length;
  const inSplit = (ids: number[], c: number) => ids.filter((i) => labels.items[i]!.labels.includes(c)).length;
  return (
    <section className="card" aria-labelledby="images-overview-title">
      <h3 id="images-overview-title">Overview</h3>
      <p>
        <span data-testid="images-count">{labels.items.length}</span> images from {labels.source}; task{' '}
        <strong data-testid="images-task">{labels.task}</strong>
        {size ? `; first image ${size[0]}×${size[1]}` : ''}
        {labels.task === 'multi-label' ? `; ${none} with no class` : ''}
      </p>
      <table className="images-table" aria-label="Classes">
        <thead>
          <tr>
            <th>class</th>
            <th>images</th>
            {split ? (
              <>
                <th>train</th>
                <th>val</th>
                <th>test</th>
              </>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {labels.classNames.map((name, c) => (
            <tr key={name}>
              <td>{name}</td>
              <td>{counts[c]}</td>
              {split ? (
                <>
                  <td>{inSplit(split.train, c)}</td>
                  <td>{inSplit(split.val, c)}</td>
                  <td>{inSplit(split.test, c)}</td>
                </>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" onClick={() => makeSplit(42)}>
          Split 70/15/15 (stratified)
        </button>
        {split ? (
          <span data-testid="split-sizes">
            {split.train.length} / {split.val.length} / {split.test.length}
          </span>
        ) : null}
        {split ? <span className="muted">{split.description}</span> : null}
      </div>
      {split?.warnings.map((w) => (
        <p key={w} className="warn">
          {w}
        </p>
      ))}
    </section>
  );
}

export function ImagesArea() {
  const error = useImages((s) => s.error);
  const refresh = useImages((s) => s.refreshModels);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <section aria-labelledby="images-title" className="area images-area">
      <h2 id="images-title">Images</h2>
      <OpenPanel />
      {error ? (
        <p role="alert" className="images-error" data-testid="images-error">
          {error}
        </p>
      ) : null}
      <Overview />
      <ImageSetReview />
      <ImageTraining />
      <ImageResults />
      <ImageVersions />
    </section>
  );
}
