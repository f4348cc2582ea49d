// The refine session's edits to labels and splits (relabel, exclude, accept pseudo-labels, accept confident-learning
// corrections), undoable and redoable, each with its provenance; and the refined dataset version's items they make.
// Newly labelled crops join the training split; the held-out crops of the base version never move, so a retrained
// run is evaluated on the same test split as the run it is compared with.
import {
  LABEL_SOURCES,
  SPLIT_NAMES,
  UNLABELLED,
  type DatasetItems,
  type LabelSource,
} from '../dataset/version';

export type EditKind = 'relabel' | 'exclude' | 'include' | 'pseudo-label' | 'cl-correction';

export interface EditProvenance {
  /** Who or what made the change: 'user', or the model version that proposed it. */
  by: string;
  /** Per-item confidence of the proposal (pseudo-labels, corrections). */
  confidence?: number[];
  note?: string;
}

export interface Edit {
  kind: EditKind;
  /** Rows of the working set. */
  items: number[];
  /** The new label (relabel, pseudo-label, cl-correction: one per item). */
  labels?: number[];
  provenance: EditProvenance;
  at: number;
}

interface Snapshot {
  label: number[];
  labelSource: number[];
  split: number[];
}

const SOURCE_CODE = (s: LabelSource) => LABEL_SOURCES.indexOf(s);
const SPLIT_CODE = (s: (typeof SPLIT_NAMES)[number]) => SPLIT_NAMES.indexOf(s);

/** Label, label source and split columns of the working set under edit (the rest of the items is fixed). */
export class EditLog {
  readonly label: Int8Array;
  readonly labelSource: Uint8Array;
  readonly split: Uint8Array;
  private done: { edit: Edit; before: Snapshot }[] = [];
  private undone: { edit: Edit; before: Snapshot }[] = [];

  constructor(
    readonly base: Pick<DatasetItems, 'label' | 'labelSource' | 'split'>,
    readonly classCount: number,
  ) {
    this.label = base.label.slice();
    this.labelSource = base.labelSource.slice();
    this.split = base.split.slice();
  }

  get edits(): Edit[] {
    return this.done.map((d) => d.edit);
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }

  /** Apply an edit; returns how many crops it changed. */
  apply(edit: Edit): number {
    const before = this.write(edit);
    this.done.push({ edit, before });
    this.undone = [];
    return edit.items.length;
  }

  undo(): Edit | null {
    const last = this.done.pop();
    if (!last) return null;
    this.restore(last.edit.items, last.before);
    this.undone.push(last);
    return last.edit;
  }

  redo(): Edit | null {
    const next = this.undone.pop();
    if (!next) return null;
    const before = this.write(next.edit);
    this.done.push({ edit: next.edit, before });
    return next.edit;
  }

  private write(edit: Edit): Snapshot {
    const { items } = edit;
    const before: Snapshot = {
      label: items.map((i) => this.label[i]!),
      labelSource: items.map((i) => this.labelSource[i]!),
      split: items.map((i) => this.split[i]!),
    };
    const train = SPLIT_CODE('train');
    const excluded = SPLIT_CODE('excluded');
    items.forEach((i, k) => {
      if (i < 0 || i >= this.label.length)
        throw new RangeError(`Edit names crop ${i} of ${this.label.length}`);
      switch (edit.kind) {
        case 'exclude':
          this.split[i] = excluded;
          break;
        case 'include': {
          // Back to its base split; a crop that had none (it was unlabelled) goes to training when labelled now.
          const b = this.base.split[i]!;
          this.split[i] = b !== excluded ? b : this.label[i]! >= 0 ? train : excluded;
          break;
        }
        default: {
          const l = edit.labels?.[k] ?? edit.labels?.[0];
          if (l === undefined || l < 0 || l >= this.classCount) {
            throw new RangeError(`Edit ${edit.kind} needs a class in 0..${this.classCount - 1} (got ${l})`);
          }
          this.label[i] = l;
          this.labelSource[i] = SOURCE_CODE(edit.kind === 'relabel' ? 'user' : edit.kind);
          if (this.split[i] === excluded && this.base.split[i] === excluded) this.split[i] = train;
        }
      }
    });
    return before;
  }

  private restore(items: number[], s: Snapshot): void {
    items.forEach((i, k) => {
      this.label[i] = s.label[k]!;
      this.labelSource[i] = s.labelSource[k]!;
      this.split[i] = s.split[k]!;
    });
  }

  /** Crops whose label, label source or split differ from the base. */
  changed(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.label.length; i++) {
      if (
        this.label[i] !== this.base.label[i] ||
        this.labelSource[i] !== this.base.labelSource[i] ||
        this.split[i] !== this.base.split[i]
      )
        out.push(i);
    }
    return out;
  }

  /** The refined items: the base's crop identity columns with the edited label, label source and split. */
  items(identity: Pick<DatasetItems, 'source' | 'dataset' | 'index'>): DatasetItems {
    const excluded = SPLIT_CODE('excluded');
    const split = this.split.slice();
    // A crop left unlabelled may not sit in a split (the version refuses it).
    for (let i = 0; i < split.length; i++) if (this.label[i]! === UNLABELLED) split[i] = excluded;
    return {
      source: identity.source.slice(),
      dataset: identity.dataset.slice(),
      index: identity.index.slice(),
      label: this.label.slice(),
      labelSource: this.labelSource.slice(),
      split,
    };
  }
}

/** Rows that training may use: in the split, labelled, and with a label source the user includes. */
export function trainingRows(
  items: Pick<DatasetItems, 'label' | 'labelSource' | 'split'>,
  split: (typeof SPLIT_NAMES)[number],
  includeSources: readonly LabelSource[] = LABEL_SOURCES,
): number[] {
  const code = SPLIT_CODE(split);
  const allowed = new Set(includeSources.map(SOURCE_CODE));
  const out: number[] = [];
  for (let i = 0; i < items.label.length; i++) {
    if (items.split[i] === code && items.label[i]! >= 0 && allowed.has(items.labelSource[i]!)) out.push(i);
  }
  return out;
}

/** One line per edit, for the version's provenance note and the edit list. */
export function describeEdit(e: Edit, classNames: readonly string[]): string {
  const n = e.items.length;
  const crops = `${n} crop${n === 1 ? '' : 's'}`;
  const cls = (l: number | undefined) => (l === undefined ? '?' : (classNames[l] ?? `class ${l}`));
  switch (e.kind) {
    case 'exclude':
      return `Excluded ${crops}`;
    case 'include':
      return `Included ${crops} again`;
    case 'relabel':
      return `Relabelled ${crops} as ${cls(e.labels?.[0])} (by ${e.provenance.by})`;
    case 'pseudo-label':
      return `Accepted pseudo-labels for ${crops} from ${e.provenance.by}`;
    case 'cl-correction':
      return `Accepted confident-learning corrections for ${crops} from ${e.provenance.by}`;
  }
}
