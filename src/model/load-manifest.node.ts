import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelManifest } from './manifest.ts';
import { parseModelManifest } from './manifest.ts';

/** Id of the default model, built from nsfwjs by `npm run build:model`. */
export const DEFAULT_MODEL_ID = 'mobilenet_v2-nsfwjs';

/** Folder of the default model (generated, gitignored): `public/models/<id>/` in the repository. */
export const DEFAULT_MODEL_DIR = fileURLToPath(
  new URL(`../../public/models/${DEFAULT_MODEL_ID}/`, import.meta.url),
);

/** A model read from disk and checked against its manifest. */
export interface LoadedModel {
  readonly manifest: ModelManifest;
  readonly bytes: Uint8Array;
  /** Absolute path of the ONNX file. */
  readonly path: string;
}

const BUILD_HINT =
  'run `npm run build:model` to build the default model, or put a model and its manifest.json in that folder';

/**
 * Reads `manifest.json` and the ONNX file it names from `dir`, validates the manifest and checks the file's sha256.
 * Works for the default model and for any dropped-in model with a manifest.
 * @throws Error saying what is missing or wrong and what to do: a missing manifest or model file (not built yet),
 *   an invalid manifest, a `file` outside `dir`, or a sha256 mismatch (corrupt or stale model).
 */
export async function loadModelFromDir(dir: string = DEFAULT_MODEL_DIR): Promise<LoadedModel> {
  const manifestPath = join(dir, 'manifest.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`No embedding model in ${dir} (manifest.json not found): ${BUILD_HINT}`, {
        cause: error,
      });
    }
    throw new Error(`Cannot read ${manifestPath}: ${(error as Error).message}`, { cause: error });
  }
  const manifest = parseModelManifest(json);
  if (isAbsolute(manifest.file) || normalize(manifest.file).startsWith('..')) {
    throw new Error(`${manifestPath}: file ${manifest.file} must be a path inside ${dir}`);
  }
  const path = join(dir, manifest.file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`Model file ${path} named by ${manifestPath} is missing: ${BUILD_HINT}`, {
        cause: error,
      });
    }
    throw error;
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.sha256) {
    throw new Error(
      `Model file ${path} has sha256 ${sha256}, but its manifest says ${manifest.sha256} ` +
        `(corrupt or stale): ${BUILD_HINT}`,
    );
  }
  return { manifest, bytes, path };
}
