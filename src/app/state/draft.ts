import { useEffect, useState } from 'preact/hooks';
import type { Registration } from '../../core/change/index.ts';
import { readCaptureTime } from '../../core/image/capture-time.ts';
import type { ImageQuality } from '../../core/quality/index.ts';
import { latestAngleRaster } from '../db/references.ts';
import { angleName } from '../text/angles.ts';
import type { ImageAnalysis } from '../analysis/client.ts';
import { analysisClient } from './services.ts';
import { sha256Hex } from '../../core/sha256.ts';

/** Where a photo's quality check stands. */
export type PhotoCheck =
  | { status: 'checking' }
  | {
      status: 'ready';
      quality: ImageQuality;
      width: number;
      height: number;
      /**
       * How the photo registers to the angle's latest earlier photo (as the analysis will register it); null when
       * no earlier session has a photo of the angle.
       */
      alignment: Registration | null;
    };

/** A photo waiting in a slot of the new session. */
export interface DraftPhoto {
  key: string;
  angle: string;
  file: File;
  sha256: string;
  /** When the photo was taken (EXIF DateTimeOriginal, ISO 8601 UTC); null when it does not say. */
  taken_at: string | null;
  previewUrl: string;
  check: PhotoCheck;
  /**
   * The photo's analysis, started as it was added (its capture check is the first part), so that by the time the
   * session is analysed most of the work is done (issue 8). It may reject (removed, a worker failed);
   * `analyseSession` then analyses the photo again.
   */
  analysis: Promise<ImageAnalysis>;
}

/** A file a slot refused, with the reason in plain words. */
export interface SlotMessage {
  key: string;
  angle: string;
  fileName: string;
  message: string;
}

/** The session being put together. It lives as long as the page, so moving between screens loses nothing. */
export interface Draft {
  photos: DraftPhoto[];
  messages: SlotMessage[];
}

let draft: Draft = { photos: [], messages: [] };
const listeners = new Set<(d: Draft) => void>();
let counter = 0;
/** Stops the analysis of a photo taken out of the draft, by its key. */
const analyses = new Map<string, AbortController>();

function update(change: (d: Draft) => Draft): void {
  draft = change(draft);
  for (const listener of listeners) listener(draft);
}

/** The draft as it is now. */
export function currentDraft(): Draft {
  return draft;
}

/** The draft, re-rendering on every change. */
export function useDraft(): Draft {
  const [value, setValue] = useState(draft);
  useEffect(() => {
    listeners.add(setValue);
    setValue(draft);
    return () => void listeners.delete(setValue);
  }, []);
  return value;
}

function errorMessage(err: unknown): string {
  return err instanceof Error && err.message ? err.message : 'This file could not be read.';
}

function addMessage(angle: string, fileName: string, message: string): void {
  update((d) => ({ ...d, messages: [...d.messages, { key: `m${++counter}`, angle, fileName, message }] }));
}

/**
 * Adds photos to an angle's slot and starts analysing each at once: its capture check (quality, and whether it lines
 * up with the angle's latest earlier photo) comes first, so the slot can say so before the session is analysed. A
 * file that cannot be used (not an image, damaged, too small…) or is already in the session is not added; the slot
 * says why instead. Settles once every photo's analysis has ended; it never rejects.
 */
export async function addPhotos(angle: string, files: readonly File[]): Promise<void> {
  // A failed read only costs the alignment check, never the photo.
  const reference = await latestAngleRaster(angle).catch(() => undefined);
  await Promise.all(
    files.map(async (file) => {
      const [sha256, takenAt] = await Promise.all([
        sha256Hex(file),
        file.arrayBuffer().then((bytes) => readCaptureTime(new Uint8Array(bytes))),
      ]);
      const twin = draft.photos.find((p) => p.sha256 === sha256);
      if (twin) {
        addMessage(angle, file.name, `This photo is already in this session (${angleName(twin.angle)}).`);
        return;
      }
      const key = `p${++counter}`;
      const stop = new AbortController();
      analyses.set(key, stop);
      let checked = false;
      const analysis = analysisClient().analyseImage(file, {
        reference,
        signal: stop.signal,
        // Called from a worker's message, so always after the photo below is in the draft.
        onCheck: (result) => {
          checked = true;
          setCheck(key, { status: 'ready', ...result });
        },
      });
      const photo: DraftPhoto = {
        key,
        angle,
        file,
        sha256,
        taken_at: takenAt?.toISOString() ?? null,
        previewUrl: URL.createObjectURL(file),
        check: { status: 'checking' },
        analysis,
      };
      update((d) => ({ ...d, photos: [...d.photos, photo] }));
      try {
        await analysis;
      } catch (err) {
        // A failure after the check is `analyseSession`'s to retry; before it, the photo cannot be used. A removed
        // photo's abort lands here too, and it is already gone.
        if (checked || stop.signal.aborted) return;
        removePhoto(key);
        addMessage(angle, file.name, errorMessage(err));
      }
    }),
  );
}

function setCheck(key: string, check: PhotoCheck): void {
  update((d) => ({ ...d, photos: d.photos.map((p) => (p.key === key ? { ...p, check } : p)) }));
}

/** Takes a photo out of the draft, stopping its analysis. */
export function removePhoto(key: string): void {
  const photo = draft.photos.find((p) => p.key === key);
  if (photo) URL.revokeObjectURL(photo.previewUrl);
  analyses.get(key)?.abort();
  analyses.delete(key);
  update((d) => ({ ...d, photos: d.photos.filter((p) => p.key !== key) }));
}

/** Hides a slot's message once read. */
export function dismissMessage(key: string): void {
  update((d) => ({ ...d, messages: d.messages.filter((m) => m.key !== key) }));
}

/** Empties the draft (after its session was saved). */
export function clearDraft(): void {
  for (const photo of draft.photos) URL.revokeObjectURL(photo.previewUrl);
  for (const stop of analyses.values()) stop.abort();
  analyses.clear();
  update(() => ({ photos: [], messages: [] }));
}
