/**
 * `npm run bench:faces`: the face detector's time per photo in Node (face-api's SSD MobileNet v1 on tfjs's WASM
 * backend, as the server checks uploads and `bcd analyze` searches photos), then in headless Chromium (the app's
 * faces worker, same weights on tfjs's WASM backend, one thread, as the upload prepares a photo), on people photos
 * and photos without people from ../shared/data/photos. Decoding is timed apart in Node and left out in Chromium
 * (the worker times the detector alone). Each photo is searched BENCH_REPEATS times (default 3) after one warm-up
 * search, and the median is printed with the load average (the machine is shared). Asserts nothing.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FACE_BLUR_MIN_SCORE } from '../src/core/faces/detector.ts';
import { nodeFaceDetector } from '../src/core/faces/detector.node.ts';
import { nodeDecoder } from '../src/core/image/decode.node.ts';
import { runHarness } from '../test/workers/support/browser.ts';
import { buildHarness } from '../test/workers/support/build-harness.ts';

const PHOTOS = fileURLToPath(new URL('../../shared/data/photos/', import.meta.url));
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const FILES = [
  'npm-vladmandic-face-api__sample1.jpg',
  'npm-vladmandic-face-api__sample6.jpg',
  'python-matplotlib-data__grace_hopper.jpg',
  'python3-skimage__astronaut.png',
  'kphotoalbum__jesper.jpg',
  'kphotoalbum__bar55.jpg',
  'opencv-doc__fruits.jpg',
  'python3-skimage__coffee.png',
  'digikam-data__body-background.jpg',
  'mate-backgrounds__Elephants_5640x3172.jpg',
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const loadStarted = performance.now();
const [detector, decode] = await Promise.all([nodeFaceDetector(), nodeDecoder()]);
console.log(
  `detector loaded in ${(performance.now() - loadStarted).toFixed(0)} ms; load average ${loadavg()[0]?.toFixed(2)}`,
);
console.log(
  'photo'.padEnd(44),
  'size'.padStart(11),
  'decode ms'.padStart(10),
  'detect ms'.padStart(10),
  'faces',
);
const all: number[] = [];
for (const file of FILES) {
  const bytes = new Uint8Array(await readFile(`${PHOTOS}${file}`));
  const decodeStarted = performance.now();
  const image = await decode(bytes);
  const decodeMs = performance.now() - decodeStarted;
  const faces = await detector.find(image, FACE_BLUR_MIN_SCORE);
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const started = performance.now();
    await detector.find(image, FACE_BLUR_MIN_SCORE);
    times.push(performance.now() - started);
  }
  all.push(median(times));
  console.log(
    file.padEnd(44),
    `${image.width}×${image.height}`.padStart(11),
    decodeMs.toFixed(0).padStart(10),
    median(times).toFixed(0).padStart(10),
    faces.length,
  );
}
console.log(`median detector time per photo: ${median(all).toFixed(0)} ms (Node, tfjs WASM)`);

/** The same photos in the app's faces worker in headless Chromium (the shared data folder is served at /data/). */
async function chromium(): Promise<void> {
  const harness = await runHarness(await buildHarness({ name: 'faces-bench' }), { isolated: false });
  try {
    console.log(`\nChromium (faces worker, tfjs WASM, 1 thread); load average ${loadavg()[0]?.toFixed(2)}`);
    console.log('photo'.padEnd(44), 'first ms'.padStart(10), 'detect ms'.padStart(10), 'faces');
    const times: number[] = [];
    for (const file of FILES) {
      const result = await harness.page.evaluate(([url, repeats]) => window.harness.findFaces(url, repeats), [
        `/data/photos/${file}`,
        REPEATS,
      ] as const);
      if (!result.ok) throw new Error(`${file}: ${result.code}: ${result.message}`);
      times.push(median(result.detect_ms));
      console.log(
        file.padEnd(44),
        result.load_ms.toFixed(0).padStart(10),
        median(result.detect_ms).toFixed(0).padStart(10),
        result.faces,
      );
    }
    console.log(
      `median detector time per photo: ${median(times).toFixed(0)} ms (Chromium, tfjs WASM); ` +
        `load average ${loadavg()[0]?.toFixed(2)}`,
    );
  } finally {
    await harness.close();
  }
}
await chromium();
