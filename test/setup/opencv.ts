import { createRequire } from 'node:module';

// OpenCV.js's module object has a `then` that calls back with the module itself. vitest loads packages with a
// dynamic import(), whose promise adopts any thenable namespace, so the import would never settle. Removing `then`
// from the CommonJS module object before the first import makes the namespace a plain object. The app (static
// imports, bundled by Vite) and the CLI (tsx) never await the namespace, and `loadOpenCv` drops `then` itself.
delete (createRequire(import.meta.url)('@techstark/opencv-js') as { then?: unknown }).then;
