import type { ConsentScope, FacesInImage } from '../../sync/contract.ts';
import type { FacesResult } from '../faces/client.ts';
import type { PreparedImage } from '../db/schema.ts';
import { prepareImage, type UprightEncoder } from './prepare-image.ts';
import { JPEG_QUALITY } from './upright-encoder.ts';

/** Finds faces in a photo and, with `blur`, returns it blurred (`findFaces` of the faces worker; a stand-in in tests). */
export type FaceFinder = (
  file: Blob,
  options: { blur: boolean; jpegQuality: number },
) => Promise<FacesResult>;

/**
 * Whether a photo prepared earlier must be prepared again before it is sent: it was prepared before face detection,
 * or with its faces left unblurred under a `faces` consent that has since been taken back.
 */
export function needsFacesAgain(prepared: PreparedImage, scopes: readonly ConsentScope[]): boolean {
  return prepared.faces === undefined || (prepared.faces === 'unblurred' && !scopes.includes('faces'));
}

/**
 * A stored photo as it may be shared: faces found on the device and, unless the consent includes `faces`, blurred in
 * the pixels (the blurred photo is drawn upright and encoded again by the faces worker); then metadata-free as
 * `prepareImage` makes it.
 * @param shareFaces whether the participant's consent includes `faces` (faces then stay as they are).
 * @returns the upload, with `faces` saying what was done (`none`, `blurred`, `unblurred`).
 * @throws what `findFaces` and `prepareImage` throw (a photo that cannot be decoded or made metadata-free).
 */
export async function prepareShared(
  original: Blob,
  encode: UprightEncoder,
  shareFaces: boolean,
  findFaces: FaceFinder,
): Promise<PreparedImage> {
  const found = await findFaces(original, { blur: !shareFaces, jpegQuality: JPEG_QUALITY });
  let faces: FacesInImage = found.faces.length === 0 ? 'none' : 'unblurred';
  let source = original;
  if (found.blurred) {
    source = new Blob([new Uint8Array(found.blurred.bytes)], { type: found.blurred.contentType });
    faces = 'blurred';
  }
  return { ...(await prepareImage(source, encode)), faces };
}
