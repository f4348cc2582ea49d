// The model registry's records and rules: model versions (a run's chosen checkpoint with its data, metrics and
// card) and append-only alias events (production / candidate / previous). "Which model was production at T" is
// a query over the events; promotion and rollback are rules that produce new events, never edits.

export const ALIASES = ['production', 'candidate', 'previous'] as const;
export type Alias = (typeof ALIASES)[number];

export interface ModelCard {
  /** Registry model name, e.g. `lenet5`. */
  model: string;
  input: { size: number; channels: number };
  classNames: string[];
  /** What the model was trained on, in words ("1,200 crops of chunks 1–3 of pipeline …"). */
  trainedOn: string;
  /** How it was trained (strategy, epochs, seed…). */
  training: Record<string, string | number | boolean>;
  intendedUse: string;
  limitations: string;
}

export interface VersionMetrics {
  /** Held-out (or the run's own test) metrics, each in [0, 1]. */
  accuracy: number | null;
  f1: number | null;
  precision: number | null;
  recall: number | null;
  /** Crops the metrics were computed on. */
  count: number | null;
  /** The evaluation record behind the figures, if any. */
  evaluationId: string | null;
}

export interface ModelVersion {
  id: string;
  /** 1, 2, 3… in registration order. */
  n: number;
  createdAt: number;
  runId: string;
  /** The checkpoint of the run this version is (its weights live with the run). */
  checkpoint: string;
  datasetVersionId: string | null;
  metrics: VersionMetrics;
  card: ModelCard;
  /** Where it came from: trained here, or imported from a lineage file (no weights then). */
  origin: 'trained' | 'imported';
  /** The pipeline and chunk that made it, when an incremental pipeline did. */
  pipelineId: string | null;
  chunk: number | null;
}

export interface AliasEvent {
  id: string;
  /** Order of events (ties in `at` are broken by it). */
  seq: number;
  alias: Alias;
  /** The version the alias points at from `at` on; null: the alias was cleared. */
  versionId: string | null;
  at: number;
  reason: string;
  evaluationId: string | null;
}

export function isAlias(x: unknown): x is Alias {
  return typeof x === 'string' && (ALIASES as readonly string[]).includes(x);
}

function ordered(events: readonly AliasEvent[]): AliasEvent[] {
  return [...events].sort((a, b) => a.at - b.at || a.seq - b.seq);
}

/** The version `alias` pointed at at time `t` (ms since epoch), or null when none did. */
export function aliasAt(events: readonly AliasEvent[], alias: Alias, t: number): string | null {
  let cur: string | null = null;
  for (const e of ordered(events)) {
    if (e.at > t) break;
    if (e.alias === alias) cur = e.versionId;
  }
  return cur;
}

/** Every alias as it stands after all events. */
export function currentAliases(events: readonly AliasEvent[]): Record<Alias, string | null> {
  const out: Record<Alias, string | null> = { production: null, candidate: null, previous: null };
  for (const e of ordered(events)) out[e.alias] = e.versionId;
  return out;
}

/** The aliases that point at `versionId` now. */
export function aliasesOf(events: readonly AliasEvent[], versionId: string): Alias[] {
  const cur = currentAliases(events);
  return ALIASES.filter((a) => cur[a] === versionId);
}

/** The periods during which `versionId` held `alias`: [from, to) with to = null while it still does. */
export function aliasPeriods(
  events: readonly AliasEvent[],
  alias: Alias,
  versionId: string,
): { from: number; to: number | null }[] {
  const out: { from: number; to: number | null }[] = [];
  let open: number | null = null;
  for (const e of ordered(events)) {
    if (e.alias !== alias) continue;
    if (e.versionId === versionId && open === null) open = e.at;
    else if (e.versionId !== versionId && open !== null) {
      out.push({ from: open, to: e.at });
      open = null;
    }
  }
  if (open !== null) out.push({ from: open, to: null });
  return out;
}

export function nextSeq(events: readonly AliasEvent[]): number {
  return events.reduce((m, e) => Math.max(m, e.seq), 0) + 1;
}

export function nextVersionNumber(versions: readonly Pick<ModelVersion, 'n'>[]): number {
  return versions.reduce((m, v) => Math.max(m, v.n), 0) + 1;
}

export interface MoveContext {
  at: number;
  reason: string;
  evaluationId?: string | null;
  /** Makes event ids (tests pass a counter; the store a random id). */
  newId: () => string;
}

function event(alias: Alias, versionId: string | null, seq: number, ctx: MoveContext): AliasEvent {
  return {
    id: ctx.newId(),
    seq,
    alias,
    versionId,
    at: ctx.at,
    reason: ctx.reason,
    evaluationId: ctx.evaluationId ?? null,
  };
}

export class RegistryRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryRuleError';
  }
}

/** Mark a version as the candidate under evaluation. */
export function candidateEvents(
  events: readonly AliasEvent[],
  versionId: string,
  ctx: MoveContext,
): AliasEvent[] {
  return [event('candidate', versionId, nextSeq(events), ctx)];
}

/**
 * Promote `versionId` to production: the production version so far becomes `previous`, and a version that was
 * the candidate stops being one. Promoting the production version again is refused (nothing would change).
 */
export function promoteEvents(
  events: readonly AliasEvent[],
  versionId: string,
  ctx: MoveContext,
): AliasEvent[] {
  const cur = currentAliases(events);
  if (cur.production === versionId) {
    throw new RegistryRuleError('This version is already in production: nothing to promote');
  }
  let seq = nextSeq(events);
  const out: AliasEvent[] = [];
  if (cur.production !== null) out.push(event('previous', cur.production, seq++, ctx));
  out.push(event('production', versionId, seq++, ctx));
  if (cur.candidate === versionId) out.push(event('candidate', null, seq++, ctx));
  return out;
}

/**
 * Roll back: the `previous` version returns to production and the demoted one becomes `previous` (so a second
 * rollback undoes the first). Refused when there is no previous version.
 */
export function rollbackEvents(events: readonly AliasEvent[], ctx: MoveContext): AliasEvent[] {
  const cur = currentAliases(events);
  if (cur.previous === null) {
    throw new RegistryRuleError('There is no previous production version to roll back to');
  }
  if (cur.previous === cur.production) {
    throw new RegistryRuleError('The previous version is the production version: nothing to roll back');
  }
  return promoteEvents(events, cur.previous, ctx);
}

/** Events in the order they happened (for the alias history view). */
export function aliasHistory(events: readonly AliasEvent[]): AliasEvent[] {
  return ordered(events);
}
