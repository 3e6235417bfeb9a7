import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '../../src/model/manifest.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';
import type { KerasLayer } from './keras-topology.ts';

/**
 * Provenance of a generated model, written beside the manifest fields (the manifest schema ignores it) and
 * compared on the next build to decide whether the model is up to date.
 */
export interface BuildStamp {
  /** sha256 (hex) over the source files' bytes, in `source.files` order. */
  readonly sourceSha256: string;
  /** Identifies the converter code that produced the model (see build.ts). */
  readonly converter: string;
}

/** A manifest as stored on disk: the validated fields plus the build stamp. */
export type StoredManifest = ModelManifest & { readonly build: BuildStamp };

/**
 * Summarises which weight-bearing layers were frozen (`trainable: false`) and which were trained, grouping
 * MobileNetV2's layers by block: `expanded_conv*` is block 0, `block_<n>_*` block n, the stem `Conv1`/`bn_Conv1`
 * and the head `Conv_1`/`Conv_1_bn` stand alone. Consecutive block numbers are shown as ranges.
 * @returns `{ frozen, trained }` group labels in model order, e.g. `['Conv1', 'blocks 0–10']`.
 */
export function summariseTrainability(layers: readonly KerasLayer[]): {
  frozen: string[];
  trained: string[];
} {
  const groups = new Map<string, boolean>();
  for (const layer of layers) {
    if (layer.kind !== 'Conv2D' && layer.kind !== 'DepthwiseConv2D' && layer.kind !== 'BatchNormalization')
      continue;
    const key = blockOf(layer.name);
    groups.set(key, (groups.get(key) ?? false) || layer.trainable);
  }
  const pick = (trained: boolean): string[] =>
    compressBlocks([...groups].filter(([, isTrained]) => isTrained === trained).map(([key]) => key));
  return { frozen: pick(false), trained: pick(true) };
}

function blockOf(layerName: string): string {
  if (layerName.startsWith('expanded_conv')) return 'block 0';
  const block = /^block_(\d+)_/.exec(layerName);
  if (block) return `block ${block[1]}`;
  if (layerName === 'bn_Conv1') return 'Conv1';
  return layerName.replace(/_bn$/i, '');
}

function compressBlocks(keys: readonly string[]): string[] {
  const out: string[] = [];
  let run: number[] = [];
  const flush = (): void => {
    if (run.length === 1) out.push(`block ${run[0]}`);
    else if (run.length > 1) out.push(`blocks ${run[0]}–${run[run.length - 1]}`);
    run = [];
  };
  for (const key of keys) {
    const n = /^block (\d+)$/.exec(key);
    if (n && (run.length === 0 || Number(n[1]) === (run[run.length - 1] as number) + 1)) {
      run.push(Number(n[1]));
      continue;
    }
    flush();
    if (n) run.push(Number(n[1]));
    else out.push(key);
  }
  flush();
  return out;
}

/**
 * Validates `manifest` against the app's schema (`parseModelManifest`) and writes it as `manifest.json` in
 * `dir`, atomically (temporary file, then rename), so a reader never sees half a manifest.
 * @throws Error when the manifest does not validate.
 */
export async function writeManifest(dir: string, manifest: StoredManifest): Promise<string> {
  parseModelManifest(manifest);
  const path = join(dir, 'manifest.json');
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(temporary, path);
  return path;
}
