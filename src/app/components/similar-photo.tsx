import { useAsync } from '../state/async.ts';
import { mostSimilarEarlier } from '../state/similar.ts';
import { formatDate, formatPercent } from '../text/format.ts';
import { PhotoThumb } from './photo-thumb.tsx';

/** The earlier photo of the same angle that looks most like this session's photos of it. */
export function SimilarPhoto(props: {
  modelId: string;
  vector: Float32Array;
  angle: string;
  before: string;
}) {
  const found = useAsync(
    () => mostSimilarEarlier(props.modelId, props.vector, props.angle, props.before),
    // A session's angle embedding never changes, so the angle and session date identify it.
    [props.modelId, props.angle, props.before],
  );
  if (found.status === 'loading') return <p class="muted">Looking for the most similar earlier photo…</p>;
  if (found.status === 'error')
    return <p class="muted">The earlier photos could not be searched just now.</p>;
  const n = found.value;
  if (!n)
    return (
      <p class="muted" data-testid="similar-none">
        No earlier photo of this angle yet.
      </p>
    );
  return (
    <div class="row" data-testid="similar-photo" data-image-id={n.image.id} data-distance={n.distance}>
      <PhotoThumb blob={n.image.thumbnail} alt={`Earlier photo from ${formatDate(n.session.taken_at)}`} />
      <div>
        <div>Most similar earlier photo</div>
        <div class="muted">
          {formatDate(n.session.taken_at)} · {formatPercent(1 - n.distance)} alike
        </div>
      </div>
    </div>
  );
}
