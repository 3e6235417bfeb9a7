import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  consentedParticipants,
  participantEmbeddings,
  participantImages,
  type ConsentedParticipant,
  type ExportImageRow,
} from '../../server/repositories/export.ts';
import { fromVectorLiteral } from '../../server/repositories/embeddings.ts';
import { EXTENSION_OF_CONTENT_TYPE } from '../../server/storage/image-store.ts';
import type { DataStore } from '../../server/store.ts';
import { renderDatasetCard } from './export-card.ts';

/** Where each output lives inside `--out`. */
export const EXPORT_LAYOUT = {
  images: 'dataset',
  metadata: 'metadata.jsonl',
  vectors: 'vectors.jsonl',
  card: 'README.md',
} as const;

export interface ExportProgress {
  /** Images planned for this run (written or skipped). */
  readonly total: number;
  readonly done: number;
}

export interface ExportSummary {
  readonly participants: number;
  readonly sessions: number;
  /** Metadata lines (one per image row, with or without bytes). */
  readonly images: number;
  readonly imagesWritten: number;
  /** Image files already present with the right sha256 (resumed). */
  readonly imagesSkipped: number;
  readonly bytesWritten: number;
  /** Files under `dataset/` that no longer belong to the export (e.g. withdrawn participants), removed. */
  readonly filesRemoved: number;
  readonly vectors: number;
  readonly models: readonly string[];
  readonly consentVersions: readonly string[];
}

interface PlannedImage {
  readonly row: ExportImageRow;
  /** Relative to `--out`, with `/` separators. */
  readonly file: string;
}

/** Names the files of one session: `<angle>.<ext>`, or `<angle>__<n>.<ext>` (n from 1) when an angle has several. */
function planSessionFiles(rows: readonly ExportImageRow[]): PlannedImage[] {
  const stored = rows.filter((row) => row.storage_path !== null);
  const perAngle = new Map<string, number>();
  for (const row of stored) perAngle.set(row.angle, (perAngle.get(row.angle) ?? 0) + 1);
  const seen = new Map<string, number>();
  return stored.map((row) => {
    const n = (seen.get(row.angle) ?? 0) + 1;
    seen.set(row.angle, n);
    const ext = EXTENSION_OF_CONTENT_TYPE[row.content_type ?? ''] ?? 'bin';
    const name = perAngle.get(row.angle) === 1 ? `${row.angle}.${ext}` : `${row.angle}__${n}.${ext}`;
    return { row, file: [EXPORT_LAYOUT.images, row.participant_id, row.session_id, name].join('/') };
  });
}

async function sha256OfFile(file: string): Promise<string | null> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes through a temporary file and a rename, so an interrupted export never leaves a partial file. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.partial`;
  await writeFile(temporary, data);
  await rename(temporary, file);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Removes empty folders under `root` (deepest first), leaving `root`. */
async function removeEmptyDirs(root: string): Promise<void> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
  const dirs = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort((a, b) => b.length - a.length);
  for (const dir of dirs) await rmdir(dir).catch(() => undefined);
}

/** The change map as the contract carries it, or null when none was recorded. */
function changeMapOf(image: ExportImageRow) {
  const { change_map_rows: rows, change_map_cols: cols, change_map_cells: cells } = image;
  return rows === null || cols === null || cells === null ? null : { rows, cols, cells };
}

function metadataLine(image: ExportImageRow, file: string | null, consent: ConsentedParticipant) {
  const hasQuality = image.image_quality_score !== null;
  return {
    participant_id: image.participant_id,
    session_id: image.session_id,
    image_id: image.image_id,
    file,
    angle: image.angle,
    captured_at: image.captured_at.toISOString(),
    sha256: image.sha256,
    byte_size: image.byte_size,
    content_type: image.content_type,
    // Whether faces were blurred on the device before upload: 'none' found, 'blurred', 'unblurred' (consented).
    faces: image.faces,
    quality: hasQuality
      ? {
          image_quality_score: image.image_quality_score,
          blur_score: image.blur_score,
          brightness: image.brightness,
          contrast: image.contrast,
          clipped_fraction: image.clipped_fraction,
          flags: image.quality_flags ?? [],
        }
      : null,
    session_scores:
      image.analysis_version === null
        ? null
        : {
            overall_score: image.overall_score,
            variation_level: image.session_variation_level,
            angle_aware_score: image.angle_aware_score,
            session_quality_score: image.session_quality_score,
            analysis_confidence_score: image.analysis_confidence_score,
            baseline_sessions: image.baseline_sessions,
          },
    angle_scores:
      image.change_score === null
        ? null
        : {
            change_score: image.change_score,
            variation_level: image.angle_variation_level,
            angle_quality_score: image.angle_quality_score,
            change_method: image.change_method,
            changed_area_fraction: image.changed_area_fraction,
            change_map: changeMapOf(image),
            registration: image.registration,
            noise_floor: image.noise_floor,
            references: image.reference_comparisons,
          },
    model_id: image.model_id,
    analysis_version: image.analysis_version,
    consent_version: consent.consent_version,
  };
}

/**
 * Exports the consented dataset to `outDir`: image files under `dataset/<participant>/<session>/`,
 * `metadata.jsonl` (a line per image), `vectors.jsonl` (a line per embedding, with its id and provenance)
 * and a dataset card `README.md`. Only participants with a current, not withdrawn consent are read, and of
 * each only the scopes they consented to (`sessions` for metadata, `images` for files, `embeddings` for
 * vectors). Resumable: an image file already present with the expected sha256 is not fetched again; files
 * that no longer belong to the dataset (withdrawn participants) are removed. Ids are the pseudonymous ones.
 * @throws the store's errors; an image missing from the image store is an error (the rows say it exists).
 */
export async function exportDataset(
  store: DataStore,
  outDir: string,
  onProgress: (progress: ExportProgress) => void = () => undefined,
): Promise<ExportSummary> {
  const participants = await consentedParticipants(store.database);
  const lines: string[] = [];
  const vectorLines: string[] = [];
  const planned: PlannedImage[] = [];
  const sessions = new Set<string>();
  const models = new Set<string>();
  let vectors = 0;
  for (const consent of participants) {
    if (consent.scopes.includes('sessions')) {
      const rows = await participantImages(store.database, consent.participant_id);
      const bySession = new Map<string, ExportImageRow[]>();
      for (const row of rows) {
        const group = bySession.get(row.session_id);
        if (group) group.push(row);
        else bySession.set(row.session_id, [row]);
      }
      for (const sessionRows of bySession.values()) {
        const files = consent.scopes.includes('images') ? planSessionFiles(sessionRows) : [];
        const fileOf = new Map(files.map((f) => [f.row.image_id, f.file]));
        for (const row of sessionRows) {
          lines.push(JSON.stringify(metadataLine(row, fileOf.get(row.image_id) ?? null, consent)));
          sessions.add(row.session_id);
          if (row.model_id) models.add(row.model_id);
        }
        planned.push(...files);
      }
    }
    if (consent.scopes.includes('embeddings')) {
      for (const e of await participantEmbeddings(store.database, consent.participant_id)) {
        const { embedding, created_at, ...provenance } = e;
        vectorLines.push(
          JSON.stringify({
            ...provenance,
            created_at: created_at.toISOString(),
            vector: [...fromVectorLiteral(embedding)],
          }),
        );
        models.add(e.model_id);
        vectors++;
      }
    }
  }

  let imagesWritten = 0;
  let imagesSkipped = 0;
  let bytesWritten = 0;
  onProgress({ total: planned.length, done: 0 });
  for (const [i, image] of planned.entries()) {
    const target = path.join(outDir, ...image.file.split('/'));
    if ((await sha256OfFile(target)) === image.row.sha256) {
      imagesSkipped++;
    } else {
      const bytes = await store.images.get(image.row.storage_path!);
      await writeAtomic(target, bytes);
      imagesWritten++;
      bytesWritten += bytes.byteLength;
    }
    onProgress({ total: planned.length, done: i + 1 });
  }

  const keep = new Set(planned.map((image) => path.join(outDir, ...image.file.split('/'))));
  const datasetDir = path.join(outDir, EXPORT_LAYOUT.images);
  let filesRemoved = 0;
  for (const file of await listFiles(datasetDir)) {
    if (keep.has(file)) continue;
    await rm(file, { force: true });
    filesRemoved++;
  }
  await removeEmptyDirs(datasetDir);

  const summary: ExportSummary = {
    participants: participants.length,
    sessions: sessions.size,
    images: lines.length,
    imagesWritten,
    imagesSkipped,
    bytesWritten,
    filesRemoved,
    vectors,
    models: [...models].sort(),
    consentVersions: [...new Set(participants.map((p) => p.consent_version))].sort(),
  };
  await writeAtomic(path.join(outDir, EXPORT_LAYOUT.metadata), lines.map((line) => `${line}\n`).join(''));
  await writeAtomic(
    path.join(outDir, EXPORT_LAYOUT.vectors),
    vectorLines.map((line) => `${line}\n`).join(''),
  );
  await writeAtomic(
    path.join(outDir, EXPORT_LAYOUT.card),
    renderDatasetCard(summary, new Date(), store.mode),
  );
  return summary;
}
