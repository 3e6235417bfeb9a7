import { facesLeftOut } from '../../core/change/face-mask.ts';
import type { ImageRow } from '../db/schema.ts';
import { faceNoteText } from '../text/faces.ts';

/**
 * Says under a photo that faces were found in it, and whether the change engine left them out (`facesLeftOut`, the
 * core's rule) or measured them because they fill the frame; nothing when none was found.
 */
export function FaceNote(props: { image: Pick<ImageRow, 'faces' | 'width' | 'height'> }) {
  const { faces } = props.image;
  if (!faces || faces.length === 0) return null;
  const leftOut = facesLeftOut(props.image, faces);
  return (
    <p class="face-note" data-testid="face-note" data-faces={faces.length} data-left-out={String(leftOut)}>
      {faceNoteText(faces.length, leftOut)}
    </p>
  );
}
