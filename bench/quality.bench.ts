/**
 * `npm run bench:quality`: how well BCD tells a real local change from the noise of re-taking a photo, on synthetic
 * histories built from real photos with a fixed seed (`quality/`): five sessions of six angles, capture noise in
 * every session, and in the last one either nothing (stable), hard noise (much darker or warmer light, a 10 %
 * shift, a lighting ramp, a slight warp) or a change of 1–8 % of the frame on one or two angles (a soft dark mark,
 * a reddish patch, a swelling); and slow drifts, a change grown by a quarter each session. Prints AUROC, detection at the 0.10 bound and false alarms, per kind and per area,
 * for the change engine (`ANALYSIS_VERSION`) beside the embedding score it replaces (`bcd-1.0.0`), and the time per session.
 * Asserts nothing.
 *
 * BENCH_SET=scoring (default) uses the scoring photos; BENCH_SET=tuning the photos the constants were set on.
 * BENCH_PERSONS (default 6) people; BENCH_REPEATS (default 3) stable and hard draws per person; BENCH_OUT=file.json
 * writes every outcome.
 */
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createNodeEngine } from '../src/cli/engine.ts';
import { ANALYSIS_VERSION } from '../src/core/config.ts';
import { nodeDecoder } from '../src/core/image/decode.node.ts';
import { evaluateDrift, evaluatePerson } from './quality/evaluate.ts';
import type { DriftOutcome, Outcome } from './quality/evaluate.ts';
import { figures, rateAtBound } from './quality/metrics.ts';
import { SCORING_PHOTOS, TUNING_PHOTOS } from './quality/photos.ts';
import { CHANGE_AREAS, DRIFT_AREAS, driftVariants, lastSessionVariants } from './quality/variants.ts';
import { CHANGE_KINDS } from './quality/synth.ts';

const PHOTOS = fileURLToPath(new URL('../../shared/data/photos/', import.meta.url));
const SET = process.env.BENCH_SET === 'tuning' ? TUNING_PHOTOS : SCORING_PHOTOS;
const PERSONS = Number(process.env.BENCH_PERSONS ?? 6);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

const pct = (x: number) => (Number.isNaN(x) ? '   –' : `${(100 * x).toFixed(0).padStart(3)} %`);
const num = (x: number) => x.toFixed(3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

const engine = await createNodeEngine();
const decode = await nodeDecoder();
const variants = lastSessionVariants(REPEATS);
const outcomes: Outcome[] = [];
const drifts: DriftOutcome[] = [];
const started = performance.now();
for (let p = 0; p < PERSONS; p++) {
  const photos = Array.from({ length: 6 }, (_, k) => SET[(p * 6 + k) % SET.length]!);
  const person = { photos, seed: 1000 + p };
  outcomes.push(...(await evaluatePerson(engine, decode, PHOTOS, person, p, variants)));
  drifts.push(...(await evaluateDrift(engine, decode, PHOTOS, person, p, driftVariants())));
  process.stderr.write(
    `person ${p + 1}/${PERSONS} done (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}
await engine.dispose();
if (process.env.BENCH_OUT)
  await writeFile(process.env.BENCH_OUT, JSON.stringify({ outcomes, drifts }, null, 1));

console.log(
  `\nbench:quality · ${BENCH_LABEL()} · ${PERSONS} people × ${variants.length} last sessions (${outcomes.length} histories) · load ${loadavg()[0]!.toFixed(2)}\n`,
);
const fresh = figures(outcomes, 'new', 0.02);
const old = figures(outcomes, 'old', 0.02);
const freshAll = figures(outcomes, 'new');
const oldAll = figures(outcomes, 'old');
const rows: [string, string, string, string][] = [
  ['figure (last session)', 'bcd-1.0.0 (embedding)', `${ANALYSIS_VERSION} (change engine)`, 'goal'],
  ['AUROC changed (≥ 2 %) vs stable, session', num(old.session_auroc), num(fresh.session_auroc), '≥ 0.95'],
  ['AUROC changed vs unchanged angles', num(oldAll.angle_auroc), num(freshAll.angle_auroc), ''],
  ['changed ≥ 2 % scored ≥ 0.10', pct(old.detection), pct(fresh.detection), '≥ 90 %'],
  ['changed 1–8 % scored ≥ 0.10', pct(oldAll.detection), pct(freshAll.detection), ''],
  ['stable scored ≥ 0.10 (false alarms)', pct(old.false_alarms), pct(fresh.false_alarms), '≤ 5 %'],
  ['hard noise scored ≥ 0.10', pct(old.hard_false_alarms), pct(fresh.hard_false_alarms), '≤ 10 %'],
];
printTable(rows);

console.log('\nDetection at 0.10 by kind and area (old → new):');
const byKind: string[][] = [['kind', ...CHANGE_AREAS.map((a) => `${a * 100} %`)]];
for (const kind of CHANGE_KINDS) {
  byKind.push([
    kind,
    ...CHANGE_AREAS.map((area) => {
      const set = outcomes.filter(
        (o) => o.spec.kind === 'change' && o.spec.change === kind && o.spec.area === area,
      );
      return `${pct(rateAtBound(set.map((o) => o.session.old)))} → ${pct(rateAtBound(set.map((o) => o.session.new)))}`;
    }),
  ]);
}
printTable(byKind);

console.log(
  '\nSlow drift: a change grown by a quarter each session, full in the last (one history per person, kind and area);',
);
console.log('last session detected at 0.10 (old → new):');
const byDrift: string[][] = [['kind', ...DRIFT_AREAS.map((a) => `${a * 100} %`)]];
for (const kind of CHANGE_KINDS) {
  byDrift.push([
    kind,
    ...DRIFT_AREAS.map((area) => {
      const set = drifts.filter((d) => d.spec.change === kind && d.spec.area === area);
      return `${pct(rateAtBound(set.map((d) => d.session.old)))} → ${pct(rateAtBound(set.map((d) => d.session.new)))}`;
    }),
  ]);
}
printTable(byDrift);

const images = median(outcomes.map((o) => o.images_ms));
const scoring = median(outcomes.map((o) => o.scoring_ms));
console.log(
  `\nTime per six-photo session (median): photo analysis ${images.toFixed(0)} ms (incl. change raster + noise samples), ` +
    `scoring against 4 earlier sessions ${scoring.toFixed(0)} ms; whole run ${((performance.now() - started) / 1000).toFixed(0)} s`,
);

function BENCH_LABEL(): string {
  return SET === TUNING_PHOTOS
    ? 'tuning photos (constants were set on these)'
    : 'scoring photos (held apart from tuning)';
}

function printTable(table: readonly (readonly string[])[]): void {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
}
