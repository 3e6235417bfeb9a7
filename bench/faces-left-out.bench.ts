/**
 * `npm run bench:faces-left-out`: how much of the quality benchmark's photos (bench/quality/photos.ts) the change
 * engine leaves out for faces (`faceMask`), beside the rule before `MAX_FACE_SHARE` (faces left out unless they
 * took more than half the frame). Printed per photo: faces found at `FACE_CHANGE_MIN_SCORE` by the Node detector
 * (as `bcd analyze` searches), the share of the frame their widened regions take, and the share of the centre
 * window where the benchmark plants its changes (`plantChange`: centres within 0.5 ± 0.3 · 0.8 of each side) that
 * each rule leaves out: a change planted there is not measured. bench:quality itself scores without faces, so
 * these shares are what its detection figures would lose. Asserts nothing.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { COMPARISON_REACH_PX } from '../src/core/change/compare-pair.ts';
import { faceMask } from '../src/core/change/face-mask.ts';
import { changeRasterSize } from '../src/core/change/raster.ts';
import { facesForChange } from '../src/core/faces/change-faces.ts';
import { nodeFaceDetector } from '../src/core/faces/detector.node.ts';
import { faceRegion } from '../src/core/faces/region.ts';
import { nodeDecoder } from '../src/core/image/decode.node.ts';
import { SCORING_PHOTOS, TUNING_PHOTOS } from './quality/photos.ts';

const PHOTOS = fileURLToPath(new URL('../../shared/data/photos/', import.meta.url));
/** The half-side of the window the benchmark plants change centres in (bench/quality/synth.ts: 0.3 · VIEW 0.8). */
const CENTRE_HALF = 0.24;
/** The rule before `MAX_FACE_SHARE`: faces left out unless they would leave less than half the frame. */
const OLD_MAX_SHARE = 0.5;

const [detector, decode] = await Promise.all([nodeFaceDetector(), nodeDecoder()]);
const pct = (x: number) => `${(100 * x).toFixed(1)} %`.padStart(8);
console.log(
  'photo'.padEnd(52),
  'faces',
  'widened'.padStart(8),
  'centre, before'.padStart(15),
  'centre, now'.padStart(12),
);
for (const [set, files] of [
  ['tuning', TUNING_PHOTOS],
  ['scoring', SCORING_PHOTOS],
] as const) {
  const lost = { before: 0, now: 0 };
  for (const file of files) {
    const image = await decode(new Uint8Array(await readFile(`${PHOTOS}${file}`)));
    const faces = await facesForChange(detector, image);
    const { width, height } = changeRasterSize(image.width, image.height);
    const widened = new Uint8Array(width * height);
    for (const f of faces) {
      const box = { x: f.x * width, y: f.y * height, width: f.width * width, height: f.height * height };
      const { x0, y0, x1, y1 } = faceRegion(box, width, height, COMPARISON_REACH_PX);
      for (let y = y0; y < y1; y++) widened.fill(1, y * width + x0, y * width + Math.max(x0, x1));
    }
    const share = widened.reduce((n, v) => n + v, 0) / widened.length;
    const mask = faceMask({ width, height }, faces);
    let inCentre = 0;
    let leftNow = 0;
    let leftBefore = 0;
    for (let y = Math.ceil(height * (0.5 - CENTRE_HALF)); y < height * (0.5 + CENTRE_HALF); y++) {
      for (let x = Math.ceil(width * (0.5 - CENTRE_HALF)); x < width * (0.5 + CENTRE_HALF); x++) {
        inCentre++;
        if (share <= OLD_MAX_SHARE && widened[y * width + x]) leftBefore++;
        if (mask !== undefined && mask[y * width + x] === 0) leftNow++;
      }
    }
    lost.before += leftBefore / inCentre / files.length;
    lost.now += leftNow / inCentre / files.length;
    console.log(
      file.padEnd(52),
      String(faces.length).padStart(5),
      pct(share),
      pct(leftBefore / inCentre).padStart(15),
      pct(leftNow / inCentre).padStart(12),
    );
  }
  console.log(
    `${set} photos, mean share of the centre window left out: before ${pct(lost.before)}, now ${pct(lost.now)}\n`,
  );
}
