// Search area: hyper-parameter studies — start one, watch its trials, brush the parallel coordinates to pick a
// region and continue there, see which parameters matter, move the study to and from Optuna, and send the
// best trial to the model registry.
import { useEffect, useMemo, useState } from 'react';
import { brushedTrials, regionOf, widestSpace, type Brushes } from '../../../core/hpo/brushing';
import { MIN_TRIALS_FOR_IMPORTANCE, pedAnovaImportance } from '../../../core/hpo/importance';
import { bestTrial } from '../../../core/hpo/study';
import { useHpo } from '../../../state/hpo-store';
import { downloadFile } from '../extract/download';
import { ParallelCoordinates } from './ParallelCoordinates';
import { HistoryChart, ImportanceView, TrialCurves } from './SearchCharts';
import { StudyForm } from './StudyForm';
import { TrialTable } from './TrialTable';
import './search.css';

const OBJECTIVE = 'value';

export function SearchArea() {
  const loaded = useHpo((s) => s.loaded);
  const load = useHpo((s) => s.load);
  const studies = useHpo((s) => s.studies);
  const activeId = useHpo((s) => s.activeId);
  const trials = useHpo((s) => s.trials);
  const inFlight = useHpo((s) => s.inFlight);
  const busy = useHpo((s) => s.busy);
  const registryMessage = useHpo((s) => s.registryMessage);
  const {
    select,
    pause,
    continueStudy,
    exportJournal,
    importJournal,
    narrowAndContinue,
    sendBestToRegistry,
    deleteStudy,
  } = useHpo.getState();
  const [creating, setCreating] = useState(false);
  const [brushes, setBrushes] = useState<Brushes>({});
  const [picked, setPicked] = useState<number | null>(null);
  const [more, setMore] = useState(6);

  useEffect(() => {
    void load();
  }, [load]);

  const study = studies.find((s) => s.id === activeId) ?? null;
  const space = useMemo(() => (study ? widestSpace(study.space, trials) : {}), [study, trials]);
  const selected = useMemo(() => brushedTrials(brushes, space, trials, OBJECTIVE), [brushes, space, trials]);
  const finishedCount = trials.filter((t) => t.state === 'complete').length;
  const importance = useMemo(
    () => (study ? pedAnovaImportance(space, trials, study.direction, { bootstrap: 50, seed: 1 }) : []),
    // recompute when a trial completes, not on every epoch
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [study?.id, study?.direction, space, finishedCount],
  );
  const brushing = Object.keys(brushes).length > 0;
  const best = study ? bestTrial(trials, study.direction) : null;
  const running = study?.status === 'running';
  const done = trials.filter((t) => t.state !== 'waiting' && t.state !== 'running').length;
  const curves =
    picked !== null
      ? trials.filter((t) => t.number === picked)
      : brushing
        ? trials.filter((t) => selected.has(t.number))
        : trials;
  const metricLabel = study?.metric === 'valLoss' ? 'validation loss' : 'validation accuracy';
  const region = study && brushing ? regionOf(brushes, space, trials, selected) : null;

  return (
    <section aria-labelledby="search-title" className="area">
      <h2 id="search-title">Search</h2>
      <div className="row card">
        {studies.length > 0 && (
          <label>
            Study{' '}
            <select
              aria-label="Study"
              value={activeId ?? ''}
              onChange={(e) => {
                setBrushes({});
                setPicked(null);
                void select(e.target.value);
              }}
            >
              {studies.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.status})
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" onClick={() => setCreating((c) => !c)}>
          {creating ? 'Close the form' : 'New study'}
        </button>
        <label>
          Import an Optuna journal{' '}
          <input
            type="file"
            aria-label="Import an Optuna journal"
            accept=".log,.jsonl,.json,.txt"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void f.text().then((text) => importJournal(text, f.name));
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {busy && (
        <p role="status" className="muted">
          {busy}
        </p>
      )}
      {(creating || (loaded && studies.length === 0)) && <StudyForm onDone={() => setCreating(false)} />}
      {study && (
        <>
          <div className="card" aria-label="Study summary">
            <h3>{study.name}</h3>
            <p>
              <span data-testid="study-status">{study.status}</span> ·{' '}
              <span data-testid="study-progress">
                {done} / {study.nTrials} trials
              </span>{' '}
              · {trials.filter((t) => t.state === 'pruned').length} pruned · {study.sampler.kind}
              {study.sampler.multivariate ? ' (multivariate)' : ''} sampler · {study.pruner.kind} pruner ·{' '}
              {inFlight.length > 0 && `training trial ${inFlight.join(' and ')} · `}
              <span className="muted">{study.message}</span>
            </p>
            {study.data && (
              <p className="muted" data-testid="study-data">
                Data: {study.data.sources.join(', ')} — {study.data.train} train / {study.data.val} validation
                crops ({study.data.description}; digest {study.data.digest.slice(0, 12)}). The test split is
                not used.
              </p>
            )}
            <div className="row">
              {running ? (
                <button type="button" onClick={pause}>
                  Pause study
                </button>
              ) : (
                study.status !== 'done' && (
                  <button type="button" onClick={() => void continueStudy()}>
                    Continue study
                  </button>
                )
              )}
              <button
                type="button"
                onClick={() => {
                  const text = exportJournal();
                  if (text) downloadFile(text, `${study.name}.optuna-journal.log`, 'application/x-ndjson');
                }}
              >
                Export Optuna journal
              </button>
              <button type="button" disabled={running} onClick={() => void deleteStudy(study.id)}>
                Delete study
              </button>
            </div>
            <div className="row">
              <p data-testid="best-trial">
                {best
                  ? `Best: trial ${best.number}, ${metricLabel} ${best.value?.toFixed(4)}`
                  : 'No completed trial yet'}
              </p>
              <button type="button" disabled={!best} onClick={() => void sendBestToRegistry()}>
                Send best trial to the registry
              </button>
            </div>
            {registryMessage && (
              <p role="status" data-testid="registry-message">
                {registryMessage}
              </p>
            )}
          </div>
          <div className="grid-2">
            <HistoryChart trials={trials} direction={study.direction} label={metricLabel} />
            <TrialCurves trials={curves} label={metricLabel} />
          </div>
          <figure className="card" aria-label="Parallel coordinates">
            <figcaption>
              Parallel coordinates (drag along an axis to brush a range;{' '}
              {brushing ? `${selected.size} trials brushed` : 'no brush'})
            </figcaption>
            <ParallelCoordinates
              space={space}
              trials={trials}
              objective={OBJECTIVE}
              brushes={brushes}
              selected={selected}
              onBrush={(axis, range) =>
                setBrushes((b) => {
                  const next = { ...b };
                  if (range) next[axis] = range;
                  else delete next[axis];
                  return next;
                })
              }
            />
            <div className="row">
              <button type="button" disabled={!brushing} onClick={() => setBrushes({})}>
                Clear brushes
              </button>
              <label>
                More trials{' '}
                <input
                  aria-label="More trials"
                  type="number"
                  min={1}
                  value={more}
                  onChange={(e) => setMore(Number(e.target.value))}
                />
              </label>
              <button
                type="button"
                disabled={!region || running}
                onClick={() => {
                  if (!region) return;
                  setBrushes({});
                  void narrowAndContinue(region, more);
                }}
              >
                Narrow the space to the brushed region and continue
              </button>
            </div>
            <p className="muted" data-testid="study-space">
              Space: {study.spaceText.split('\n').join('  ·  ')}
            </p>
          </figure>
          <ImportanceView importance={importance} needed={MIN_TRIALS_FOR_IMPORTANCE} />
          <TrialTable
            trials={trials}
            space={space}
            selected={selected}
            brushing={brushing}
            best={best?.number ?? null}
            picked={picked}
            onPick={setPicked}
          />
        </>
      )}
    </section>
  );
}
