// Must stay the first import: it prepares a global that OpenCV.js needs when it is evaluated.
import './opencv-global.ts';
import { expose } from 'comlink';
import { loadOpenCv } from '../../src/core/cv.ts';
import { webDecoder } from '../../src/core/image/decode.web.ts';
import { createPreprocessApi } from './api.ts';

// Decoding uses the same WASM codecs as the CLI (Squoosh's, and libjpeg-turbo for the reduced analysis decode),
// not createImageBitmap/OffscreenCanvas as first planned: the browser's decoder differs from the CLI's (two
// decoders gave cosine 0.9989 on the same JPEG), and the numbers shown on the device must equal `bcd analyze`'s.
// EXIF orientation is applied by the shared decoder.
const api = createPreprocessApi({ cv: loadOpenCv, decode: webDecoder });
expose(api);
// A preprocess worker is started only to be used (or warmed ahead of a first photo): its runtimes start with it.
// A failure here is reported by the first call, which starts them again.
api.warm().catch(() => undefined);
