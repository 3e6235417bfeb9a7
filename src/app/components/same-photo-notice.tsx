import type { EmbeddingRow, ImageRow } from '../db/schema.ts';
import { useAsync } from '../state/async.ts';
import { samePhotoAs } from '../state/similar.ts';
import { angleName } from '../text/angles.ts';
import { formatDate } from '../text/format.ts';
import { Notice } from './notice.tsx';

/** Says when a photo of this session is the same photo as another stored one (entered twice). */
export function SamePhotoNotice(props: { modelId: string; images: ImageRow[]; embeddings: EmbeddingRow[] }) {
  const found = useAsync(async () => {
    const pairs = await Promise.all(
      props.embeddings.map(async (e) => ({
        image: props.images.find((i) => i.id === e.image_id),
        twins: await samePhotoAs(props.modelId, e.image_id, e.vector),
      })),
    );
    return pairs.filter((p) => p.image && p.twins.length > 0);
    // Stored embeddings never change, so their ids identify them.
  }, [props.modelId, props.embeddings.map((e) => e.id).join()]);
  if (found.status !== 'ready' || found.value.length === 0) return null;
  return (
    <Notice kind="hint" testId="same-photo">
      {found.value.map(({ image, twins }) => (
        <p key={image?.id}>
          The {angleName(image?.angle ?? '')} photo looks the same as{' '}
          {twins
            .map((t) => `the ${angleName(t.image.angle)} photo of ${formatDate(t.session.taken_at)}`)
            .join(' and ')}
          . If it was added twice by mistake, the figures compare a photo with itself.
        </p>
      ))}
    </Notice>
  );
}
