import { isDuplicate } from '../search/duplicates.ts';
import { createVectorIndex } from '../search/vector-index.ts';
import { db } from '../db/schema.ts';
import type { ImageRow, SessionRow } from '../db/schema.ts';

type VectorIndex = Awaited<ReturnType<typeof createVectorIndex>>;

/** How many neighbours are asked for before filtering by angle and date: a person's whole history, in practice. */
const NEIGHBOURS = 256;

/** A stored photo found near another, with its session. */
export interface Neighbour {
  image: ImageRow;
  session: SessionRow;
  distance: number;
}

let built: { modelId: string; index: Promise<VectorIndex | undefined> } | undefined;

/** Builds the index from every stored vector of `modelId` (none stored: no index until the first one is). */
async function build(modelId: string): Promise<VectorIndex | undefined> {
  const rows = await db.embeddings.where('model_id').equals(modelId).toArray();
  const first = rows[0];
  if (!first) return undefined;
  const index = await createVectorIndex(modelId, first.vector.length);
  await index.rebuild(rows.map((r) => ({ id: r.image_id, vector: r.vector })));
  return index;
}

function indexFor(modelId: string): Promise<VectorIndex | undefined> {
  if (built?.modelId !== modelId) {
    const index = build(modelId);
    built = { modelId, index };
    index.catch(() => (built = undefined));
  }
  return built.index;
}

/** Adds newly stored photos to the index (or lets the next search build it, if it was never built). */
export async function indexPhotos(
  modelId: string,
  items: { id: number; vector: Float32Array }[],
): Promise<void> {
  if (built?.modelId !== modelId) return;
  const index = await built.index;
  if (!index) {
    built = undefined;
    return;
  }
  for (const item of items) await index.add(item.id, item.vector);
}

/** Drops deleted photos from the index. */
export async function unindexPhotos(ids: number[]): Promise<void> {
  const index = await built?.index;
  if (!index) return;
  for (const id of ids) await index.remove(id);
}

/** Forgets the index, after the whole database was replaced or emptied; the next search rebuilds it. */
export function resetPhotoIndex(): void {
  built = undefined;
}

async function neighbours(modelId: string, vector: Float32Array): Promise<Neighbour[]> {
  const index = await indexFor(modelId);
  if (!index) return [];
  const hits = await index.nearest(vector, NEIGHBOURS);
  const images = await db.images.bulkGet(hits.map((h) => h.id));
  const sessions = await db.sessions.bulkGet([...new Set(images.flatMap((i) => (i ? [i.session_id] : [])))]);
  const sessionOf = new Map(sessions.flatMap((s) => (s ? [[s.id, s] as const] : [])));
  return hits.flatMap((hit, i) => {
    const image = images[i];
    const session = image && sessionOf.get(image.session_id);
    return image && session ? [{ image, session, distance: hit.distance }] : [];
  });
}

/** The photo of `angle` from a session dated before `before` (ISO date, `taken_at`) that is nearest to `vector`. */
export async function mostSimilarEarlier(
  modelId: string,
  vector: Float32Array,
  angle: string,
  before: string,
): Promise<Neighbour | undefined> {
  return (await neighbours(modelId, vector)).find(
    (n) => n.image.angle === angle && n.session.taken_at < before,
  );
}

/** Other stored photos so close to photo `imageId` that they are the same photo entered again. */
export async function samePhotoAs(
  modelId: string,
  imageId: number,
  vector: Float32Array,
): Promise<Neighbour[]> {
  return (await neighbours(modelId, vector)).filter((n) => n.image.id !== imageId && isDuplicate(n.distance));
}
