/** Per-image stage medians (ms) of one configuration, and what it ran on. */
export interface StageFigures {
  readonly decode_ms: number;
  readonly quality_ms: number;
  readonly preprocess_ms: number;
  readonly embed_ms: number;
  /** The faces search beside the embedding (the app's faces worker); NaN where not made (the CLI path here). */
  readonly faces_ms: number;
  /** The six photos one after another. */
  readonly session_ms: number;
  /** The six photos sent at once (preprocessing of one overlaps embedding of the previous); NaN if not run. */
  readonly pipelined_ms: number;
  /** Peak resident memory of what ran the analysis, MB (`rendererPeakRssMb`); NaN if not measured. */
  readonly peak_mb: number;
  readonly note: string;
}

export type StageSamples = Record<Exclude<keyof StageFigures, 'note' | 'peak_mb'>, number[]>;

/** Empty sample lists, one per figure. */
export function emptySamples(): StageSamples {
  return {
    decode_ms: [],
    quality_ms: [],
    preprocess_ms: [],
    embed_ms: [],
    faces_ms: [],
    session_ms: [],
    pipelined_ms: [],
  };
}

/** The median of each list (NaN for an empty one), with the peak memory if measured. */
export function summarise(samples: StageSamples, note: string, peakMb = Number.NaN): StageFigures {
  const m = (xs: number[]) => (xs.length ? median(xs) : Number.NaN);
  return {
    decode_ms: m(samples.decode_ms),
    quality_ms: m(samples.quality_ms),
    preprocess_ms: m(samples.preprocess_ms),
    embed_ms: m(samples.embed_ms),
    faces_ms: m(samples.faces_ms),
    session_ms: m(samples.session_ms),
    pipelined_ms: m(samples.pipelined_ms),
    peak_mb: peakMb,
    note,
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** `a / b` as `1.23×`, or `n/a` when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || !Number.isFinite(a / b) ? 'n/a' : `${(a / b).toFixed(2)}×`;
}

const COLUMNS: readonly [Exclude<keyof StageFigures, 'note'>, string][] = [
  ['decode_ms', 'decode'],
  ['quality_ms', 'quality'],
  ['preprocess_ms', 'preproc'],
  ['embed_ms', 'embed'],
  ['faces_ms', 'faces'],
  ['session_ms', 'session'],
  ['pipelined_ms', 'pipelined'],
  ['peak_mb', 'peak MB'],
];

/** Prints one row per configuration: the figures, or why it did not run. */
export function printTable(rows: readonly (readonly [string, StageFigures | string])[]): void {
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`${''.padEnd(width)}  ${COLUMNS.map(([, label]) => label.padStart(9)).join(' ')}`);
  for (const [name, figures] of rows) {
    if (typeof figures === 'string') {
      console.log(`${name.padEnd(width)}  (not run: ${figures})`);
      continue;
    }
    const cells = COLUMNS.map(([key]) =>
      (Number.isNaN(figures[key]) ? '—' : figures[key].toFixed(0)).padStart(9),
    );
    console.log(`${name.padEnd(width)}  ${cells.join(' ')}   ${figures.note}`);
  }
}
