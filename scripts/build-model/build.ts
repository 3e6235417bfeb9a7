import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_ID } from '../../src/model/load-manifest.node.ts';
import { parseModelManifest } from '../../src/model/manifest.ts';
import { kerasToOnnx } from './keras-to-onnx.ts';
import { parseKerasTopology } from './keras-topology.ts';
import type { KerasGraph } from './keras-topology.ts';
import { readTfjsLayersModel } from './read-tfjs-model.ts';
import type { Weight } from './read-tfjs-model.ts';
import type { BuildStamp, StoredManifest } from './write-manifest.ts';
import { summariseTrainability, writeManifest } from './write-manifest.ts';

/** The default model: nsfwjs's MobileNetV2 backbone, pooled to a 1280-d embedding. */
export const DEFAULT_MODEL = {
  id: DEFAULT_MODEL_ID,
  sourcePackage: 'nsfwjs',
  /** Paths inside the package: the topology + weights manifest, then the weight shard(s). */
  sourceFiles: ['dist/models/mobilenet_v2/model.min.js', 'dist/models/mobilenet_v2/group1-shard1of1.min.js'],
  outputLayer: 'out_relu',
  inputName: 'input',
  outputName: 'embedding',
  fileName: 'model.onnx',
} as const;

export interface BuildOptions {
  /** Folder receiving `model.onnx` and `manifest.json`; created when missing. */
  readonly outDir: string;
  /** Rebuild even when the existing output is up to date. */
  readonly force?: boolean;
}

export interface BuildResult {
  readonly skipped: boolean;
  readonly manifest: StoredManifest;
  readonly modelPath: string;
  /** Wall time of the conversion in milliseconds (0 when skipped). */
  readonly conversionMs: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The installed package's root folder; found from its main entry because its `exports` hide package.json. */
async function packageRoot(name: string): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    try {
      const json = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (json.name === name) return dir;
    } catch {
      // No package.json at this level (or an unreadable one): keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Cannot find the root of package ${name}`);
    dir = parent;
  }
}

/**
 * A version for the converter itself: sha256 over this folder's TypeScript sources (sorted by name) and the
 * manifest schema. Any change to the conversion code therefore rebuilds the model; nothing has to be bumped by hand.
 */
async function converterVersion(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  const files = (await readdir(here)).filter((f) => f.endsWith('.ts')).sort();
  for (const file of [...files.map((f) => join(here, f)), join(here, '../../src/model/manifest.ts')]) {
    hash.update(relative(here, file).split(sep).join('/')).update(await readFile(file));
  }
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}

/** The stored manifest when it matches `stamp` and the model file's sha256; undefined otherwise. */
async function upToDate(outDir: string, stamp: BuildStamp): Promise<StoredManifest | undefined> {
  try {
    const json = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as StoredManifest;
    if (json.build?.sourceSha256 !== stamp.sourceSha256 || json.build.converter !== stamp.converter)
      return undefined;
    const manifest = parseModelManifest(json);
    if (sha256(await readFile(join(outDir, manifest.file))) !== manifest.sha256) return undefined;
    return json;
  } catch {
    // Missing, unreadable or invalid output simply means "build it".
    return undefined;
  }
}

async function readKeras(sourcePaths: readonly string[]) {
  const [modelFile, ...shardFiles] = sourcePaths as [string, ...string[]];
  const tfjs = await readTfjsLayersModel(modelFile, shardFiles);
  return { graph: parseKerasTopology(tfjs.modelTopology), weights: tfjs.weights };
}

/**
 * The default model's Keras graph and dequantised weights, read from the installed nsfwjs package: what
 * `buildDefaultModel` converts, for a benchmark that converts it another way (e.g. with a feature-map output).
 * @throws Error when nsfwjs is not installed or its files cannot be read.
 */
export async function readDefaultKerasModel(): Promise<{
  graph: KerasGraph;
  weights: ReadonlyMap<string, Weight>;
}> {
  const root = await packageRoot(DEFAULT_MODEL.sourcePackage);
  return readKeras(DEFAULT_MODEL.sourceFiles.map((f) => join(root, f)));
}

/**
 * Builds the default embedding model (ONNX + manifest) from the installed nsfwjs package, or does nothing when
 * `outDir` already holds a model built from the same source bytes by the same converter (cheap: two hashes).
 * Files are written to a temporary name and renamed, the manifest last, so an interrupted build is rebuilt.
 * @throws Error when nsfwjs is not installed or its model cannot be converted.
 */
export async function buildDefaultModel(options: BuildOptions): Promise<BuildResult> {
  const root = await packageRoot(DEFAULT_MODEL.sourcePackage);
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
    repository?: { url?: string } | string;
  };
  const sourcePaths = DEFAULT_MODEL.sourceFiles.map((f) => join(root, f));
  const sourceHash = createHash('sha256');
  for (const path of sourcePaths) sourceHash.update(await readFile(path));
  const stamp: BuildStamp = { sourceSha256: sourceHash.digest('hex'), converter: await converterVersion() };
  const modelPath = join(options.outDir, DEFAULT_MODEL.fileName);

  if (options.force !== true) {
    const existing = await upToDate(options.outDir, stamp);
    if (existing) return { skipped: true, manifest: existing, modelPath, conversionMs: 0 };
  }

  const started = performance.now();
  const { graph, weights } = await readKeras(sourcePaths);
  const source = `${DEFAULT_MODEL.sourcePackage}@${pkg.version}`;
  const converted = kerasToOnnx(graph, weights, {
    outputLayer: DEFAULT_MODEL.outputLayer,
    inputName: DEFAULT_MODEL.inputName,
    outputName: DEFAULT_MODEL.outputName,
    info: {
      graphName: DEFAULT_MODEL.id,
      producerName: 'bcd scripts/build-model',
      producerVersion: stamp.converter,
      docString: `MobileNetV2 backbone of ${source} up to ${DEFAULT_MODEL.outputLayer}, global-average-pooled.`,
      opset: 13,
      irVersion: 7,
      metadata: { source, source_sha256: stamp.sourceSha256 },
    },
  });
  const conversionMs = performance.now() - started;

  const { frozen, trained } = summariseTrainability(converted.layers);
  const [height, width, channels] = converted.inputShape;
  if (channels !== 3) throw new Error(`Expected an RGB model, got ${channels} input channels`);
  const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  const manifest: StoredManifest = {
    id: DEFAULT_MODEL.id,
    file: DEFAULT_MODEL.fileName,
    sha256: sha256(converted.bytes),
    input: { name: DEFAULT_MODEL.inputName, layout: 'NCHW', width, height, channels },
    // nsfwjs feeds the model RGB / 255 with no mean or std.
    normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
    output: { name: DEFAULT_MODEL.outputName, dims: converted.outputDims },
    source: {
      package: DEFAULT_MODEL.sourcePackage,
      version: pkg.version,
      files: [...DEFAULT_MODEL.sourceFiles],
      ...(repository ? { url: repository.replace(/^git\+/, '') } : {}),
    },
    licence: pkg.license ?? 'UNKNOWN',
    notes:
      `Keras MobileNetV2 (${width}×${height} RGB) from ${source}, converted up to ${DEFAULT_MODEL.outputLayer} ` +
      `plus global average pooling; BatchNormalization folded, float32 weights dequantised from uint8. ` +
      `ImageNet weights (trainable: false in the topology): ${frozen.join(', ')}. ` +
      `Fine-tuned by nsfwjs: ${trained.join(', ')}.`,
    build: stamp,
  };

  await mkdir(options.outDir, { recursive: true });
  const temporary = `${modelPath}.${process.pid}.tmp`;
  await writeFile(temporary, converted.bytes);
  await rename(temporary, modelPath);
  await writeManifest(options.outDir, manifest);
  return { skipped: false, manifest, modelPath, conversionMs };
}
