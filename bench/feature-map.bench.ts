/**
 * `npm run bench:feature-map`: would a mid-level feature map of the embedding model (issue 7, step 3: "a feature
 * score from the same model run") tell a local change from capture noise better than, or on top of, the ΔE* map?
 *
 * On synthetic histories of the quality benchmark (`quality/`), each last-session photo is registered to the same
 * angle's photo of the session before, exactly as the change engine does. Both the reference and the registered
 * photo (the reference's pixels outside the overlap) then go through the model, converted here with a second,
 * unpooled output at each layer of `BENCH_LAYERS` (14×14 maps at 224 px). Per valid cell, the cosine distance of
 * the two channel vectors; an angle scores the largest cell (`max`), its excess over twice the median cell
 * (`excess`, as `localContrast` does for ΔE*), or their ratio. The ΔE* score is the change engine's own raw score
 * of the same pair (`comparePair`), and `fused` the larger of the ΔE* and `excess` scores, each standardised on the
 * stable angles. Printed: angle AUROC of changed angles against every unchanged one, against hard noise only, per
 * kind and per area. This is the feature score's best case: the model runs on every registered pair, which the
 * product would not pay for. Asserts nothing.
 *
 * BENCH_SET=tuning (default; the decision was made on these) or scoring; BENCH_PERSONS (default 3),
 * BENCH_REPEATS (default 3) stable and hard draws per person; BENCH_LAYERS (default
 * block_6_project_BN,block_10_project_BN).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { kerasToOnnx } from '../scripts/build-model/keras-to-onnx.ts';
import { readDefaultKerasModel } from '../scripts/build-model/build.ts';
import { comparePair } from '../src/core/change/compare-pair.ts';
import { makeChangeRaster } from '../src/core/change/raster.ts';
import type { ChangeRaster } from '../src/core/change/raster.ts';
import { registerToReference, warpToReference } from '../src/core/change/registration.ts';
import { DEFAULT_ANGLES } from '../src/core/config.ts';
import { loadOpenCv } from '../src/core/cv.ts';
import { nodeDecoder } from '../src/core/image/decode.node.ts';
import { cellFeatureDistances, featureInput } from './feature-map/cells.ts';
import { earlierSessions, lastSession } from './quality/histories.ts';
import type { LastSession } from './quality/histories.ts';
import { auroc } from './quality/metrics.ts';
import { SCORING_PHOTOS, TUNING_PHOTOS } from './quality/photos.ts';
import { CHANGE_KINDS, sceneOf } from './quality/synth.ts';
import { CHANGE_AREAS } from './quality/variants.ts';

const PHOTOS = fileURLToPath(new URL('../../shared/data/photos/', import.meta.url));
const SET = process.env.BENCH_SET === 'scoring' ? SCORING_PHOTOS : TUNING_PHOTOS;
const PERSONS = Number(process.env.BENCH_PERSONS ?? 3);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const LAYERS = (process.env.BENCH_LAYERS ?? 'block_6_project_BN,block_10_project_BN').split(',');
/** The model's input side, px (the manifest's 224). */
const INPUT_SIDE = 224;

interface AngleRow {
  readonly spec: LastSession;
  readonly changed: boolean;
  readonly deltaE: number | null;
  /** Per layer: `max`, `excess`, `ratio` of the cell distances; absent when registration failed. */
  readonly features: ReadonlyMap<string, { max: number; excess: number; ratio: number }>;
}

const { graph, weights } = await readDefaultKerasModel();
const sessions = new Map<string, ort.InferenceSession>();
for (const layer of LAYERS) {
  const converted = kerasToOnnx(graph, weights, {
    outputLayer: 'out_relu',
    inputName: 'input',
    outputName: 'embedding',
    featureMap: { layer, name: 'feature_map' },
    info: {
      graphName: 'feature-map-bench',
      producerName: 'bench/feature-map.bench.ts',
      producerVersion: '1',
      docString: '',
      opset: 13,
      irVersion: 7,
      metadata: {},
    },
  });
  sessions.set(layer, await ort.InferenceSession.create(converted.bytes));
}
const cv = await loadOpenCv();
const decode = await nodeDecoder();

async function featureMap(layer: string, input: Float32Array) {
  const output = await sessions
    .get(layer)!
    .run({ input: new ort.Tensor('float32', input, [1, 3, INPUT_SIDE, INPUT_SIDE]) });
  const map = output.feature_map!;
  const [, channels, rows, cols] = map.dims as [number, number, number, number];
  return { data: map.data as Float32Array, channels, rows, cols };
}

async function angleRow(ref: ChangeRaster, photo: ChangeRaster, spec: LastSession, changed: boolean) {
  const deltaE = comparePair(cv, { raster: ref }, { raster: photo }).raw;
  const features = new Map<string, { max: number; excess: number; ratio: number }>();
  const registration = registerToReference(cv, ref, photo);
  if (registration.homography !== null) {
    const warped = warpToReference(cv, ref, photo, registration.homography);
    const filled = Uint8Array.from(warped.rgb, (v, i) =>
      warped.mask[Math.floor(i / 3)] === 255 ? v : ref.rgb[i]!,
    );
    const refInput = featureInput(cv, ref, INPUT_SIDE);
    const photoInput = featureInput(cv, { ...ref, rgb: filled }, INPUT_SIDE);
    for (const layer of LAYERS) {
      const distances = cellFeatureDistances(
        await featureMap(layer, refInput),
        await featureMap(layer, photoInput),
        warped.mask,
        ref.width,
        ref.height,
      );
      const sorted = [...distances].sort((a, b) => a - b);
      const median = sorted[sorted.length >> 1] ?? 0;
      const max = sorted[sorted.length - 1] ?? 0;
      features.set(layer, { max, excess: max - 2 * median, ratio: max / (median + 1e-6) });
    }
  }
  return { spec, changed, deltaE, features };
}

const variants: LastSession[] = [];
for (let r = 0; r < REPEATS; r++) variants.push({ kind: 'stable' }, { kind: 'hard' });
for (const change of CHANGE_KINDS)
  for (const area of CHANGE_AREAS) variants.push({ kind: 'change', change, area });
const rows: AngleRow[] = [];
for (let p = 0; p < PERSONS; p++) {
  const scenes = new Map<string, ReturnType<typeof sceneOf>>();
  for (const [i, angle] of DEFAULT_ANGLES.entries()) {
    const file = SET[(p * DEFAULT_ANGLES.length + i) % SET.length]!;
    scenes.set(angle, sceneOf(cv, await decode(new Uint8Array(await readFile(join(PHOTOS, file))))));
  }
  const person = await earlierSessions(cv, scenes, 1000 + p);
  const references = new Map<string, ChangeRaster>();
  for (const photo of person.earlier.at(-1)!)
    references.set(photo.angle, makeChangeRaster(cv, await decode(photo.bytes)));
  for (const [v, spec] of variants.entries()) {
    const last = await lastSession(cv, person, spec, 5000 + 100 * p + v);
    for (const photo of last.photos) {
      const raster = makeChangeRaster(cv, await decode(photo.bytes));
      rows.push(
        await angleRow(references.get(photo.angle)!, raster, spec, last.changedAngles.includes(photo.angle)),
      );
    }
  }
  process.stderr.write(`person ${p + 1}/${PERSONS} done\n`);
}

type Score = (row: AngleRow) => number;
const MISSING = -Infinity;
const standardised = (score: Score): Score => {
  const stable = rows.filter((r) => r.spec.kind === 'stable').map(score);
  const mean = stable.reduce((a, b) => a + b, 0) / stable.length;
  const sd = Math.sqrt(stable.reduce((a, b) => a + (b - mean) ** 2, 0) / stable.length) || 1;
  return (row) => (score(row) - mean) / sd;
};
const deltaE: Score = (r) => r.deltaE ?? MISSING;
const scores: [string, Score][] = [['ΔE* (change engine)', deltaE]];
for (const layer of LAYERS) {
  for (const key of ['max', 'excess', 'ratio'] as const)
    scores.push([`${layer} ${key}`, (r) => r.features.get(layer)?.[key] ?? MISSING]);
  const z = standardised(deltaE);
  const zf = standardised((r) => r.features.get(layer)?.excess ?? MISSING);
  scores.push([`fused ΔE* + ${layer}`, (r) => Math.max(z(r), zf(r))]);
}

const positives = rows.filter((r) => r.changed);
const negatives = rows.filter((r) => !r.changed);
const hard = rows.filter((r) => r.spec.kind === 'hard');
const of = (spec: (s: LastSession) => boolean) => positives.filter((r) => spec(r.spec));
const columns: [string, AngleRow[], AngleRow[]][] = [
  ['all', positives, negatives],
  ['vs hard', positives, hard],
  ...CHANGE_KINDS.map((k): [string, AngleRow[], AngleRow[]] => [
    k,
    of((s) => s.kind === 'change' && s.change === k),
    negatives,
  ]),
  ...CHANGE_AREAS.map((a): [string, AngleRow[], AngleRow[]] => [
    `${a * 100} %`,
    of((s) => s.kind === 'change' && s.area === a),
    negatives,
  ]),
];
console.log(
  `\nbench:feature-map · ${process.env.BENCH_SET === 'scoring' ? 'scoring' : 'tuning'} photos · ${PERSONS} people · ` +
    `${positives.length} changed angles, ${negatives.length} unchanged (${hard.length} under hard noise) · angle AUROC\n`,
);
const table = [
  ['score', ...columns.map(([name]) => name)],
  ...scores.map(([name, score]) => [
    name,
    ...columns.map(([, pos, neg]) => auroc(pos.map(score), neg.map(score)).toFixed(3)),
  ]),
];
const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
