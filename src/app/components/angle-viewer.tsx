import { useAsync } from '../state/async.ts';
import { angleTimelapse, viewerPair } from '../state/compare.ts';
import { angleName } from '../text/angles.ts';
import { formatShortDateTime } from '../text/format.ts';
import { CompareViews } from './compare-views.tsx';

/**
 * The Compare screen's viewer (give it a `key` of the sessions and angle, so a new pick starts from "loading"
 * instead of showing the previous pair for a moment): one angle (picked among those both sessions have) of two sessions lined up on the
 * earlier one's frame, side by side, by slider, by flicker, or as a timelapse over every session.
 */
export function AngleViewer(props: {
  a: string;
  b: string;
  angle: string;
  angles: readonly string[];
  /** When the earlier session was made (ISO 8601). */
  earlierDate: string;
  onAngle: (angle: string) => void;
}) {
  const { a, b, angle } = props;
  const pair = useAsync(() => viewerPair(a, b, angle), [a, b, angle]);
  const timelapse = useAsync(() => angleTimelapse(angle), [angle]);
  return (
    <section
      class="card"
      aria-labelledby="viewer-title"
      data-testid="angle-viewer"
      data-angle={angle}
      data-timelapse={timelapse.status}
    >
      <div class="spread">
        <h2 id="viewer-title" class="card-title">
          Look closer
        </h2>
        <label class="inline-select">
          <span class="visually-hidden">Angle</span>
          <select
            value={angle}
            data-testid="viewer-angle"
            onChange={(e) => props.onAngle(e.currentTarget.value)}
          >
            {props.angles.map((x) => (
              <option key={x} value={x}>
                {angleName(x)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {pair.status === 'loading' && <p class="muted">Lining up the photos…</p>}
      {pair.status === 'error' && <p class="muted">The photos could not be lined up for viewing just now.</p>}
      {pair.status === 'ready' && pair.value === undefined && (
        <p class="muted">
          These photos were stored before BCD lined photos up; analyse them again in Settings to view them
          here.
        </p>
      )}
      {pair.status === 'ready' && pair.value && (
        <CompareViews
          pair={pair.value.pair}
          map={pair.value.map}
          angleName={angleName(angle)}
          earlierDate={props.earlierDate ? formatShortDateTime(props.earlierDate) : 'earlier session'}
          later="Later session"
          mapNote="The change map of an angle is measured against its previous session only: pick that session as Earlier to see it."
          timelapse={timelapse.status === 'ready' ? timelapse.value : undefined}
        />
      )}
    </section>
  );
}
