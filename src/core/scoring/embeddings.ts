import type { ScoredImage } from './types.ts';
import { normalizedMean } from './vectors.ts';

/**
 * Angle embeddings of a session (SPEC): for each angle, the L2-normalised mean of its image embeddings.
 * Angles keep the order in which they first appear in `images`.
 * @throws Error when embeddings differ in length.
 */
export function angleEmbeddings(images: readonly ScoredImage[]): Map<string, Float32Array> {
  const byAngle = new Map<string, ScoredImage[]>();
  for (const image of images) {
    const list = byAngle.get(image.angle) ?? [];
    list.push(image);
    byAngle.set(image.angle, list);
  }
  const out = new Map<string, Float32Array>();
  for (const [angle, list] of byAngle) out.set(angle, normalizedMean(list.map((i) => i.embedding)));
  return out;
}

/**
 * Session embedding (SPEC): the L2-normalised mean of the angle embeddings, over `angles` when given
 * (so two sessions can be compared on the angles they share) or over all of them.
 * @throws Error when no angle is selected.
 */
export function sessionEmbedding(
  angles: ReadonlyMap<string, Float32Array>,
  only?: readonly string[],
): Float32Array {
  const keys = only ?? [...angles.keys()];
  return normalizedMean(
    keys.map((k) => {
      const v = angles.get(k);
      if (!v) throw new Error(`Angle ${k} has no embedding`);
      return v;
    }),
  );
}
