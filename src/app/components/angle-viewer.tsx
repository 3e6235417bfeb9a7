import type { RegisteredPair } from '../../core/change/index.ts';
import type { ChangeMap } from '../../core/scoring/index.ts';
import { useAsync } from '../state/async.ts';
import { angleTimelapse, viewerPair } from '../state/compare.ts';
import type { TimelapseFrame } from '../state/compare.ts';
import { useViewerMap } from '../state/pair-map.ts';
import type { ViewerMap } from '../state/pair-map.ts';
import { angleName } from '../text/angles.ts';
import { formatShortDateTime } from '../text/format.ts';
import { CompareViews } from './compare-views.tsx';

/** Why the viewer has no change map, in neutral words. */
const NO_MAP_WORDS: Record<Extract<ViewerMap, { status: 'none' }>['reason'], string> = {
  no_raster:
    'No change map: one of these photos was stored before BCD compared photos area by area; analyse them again in Settings to see one.',
  not_lined_up:
    'No change map: these two photos could not be lined up closely enough to compare them area by area.',
  failed: 'The change map could not be made just now.',
};

/**
 * The pair's views with its change map: the stored one when the later session was measured against the earlier,
 * else one measured now (the toggle says so meanwhile).
 */
function PairViews(props: {
  a: string;
  b: string;
  angle: string;
  pair: RegisteredPair;
  stored: ChangeMap | null;
  earlierDate: string;
  timelapse: readonly TimelapseFrame[] | undefined;
}) {
  const viewerMap = useViewerMap(props.a, props.b, props.angle, props.stored);
  return (
    <div data-map={viewerMap.status}>
      <CompareViews
        pair={props.pair}
        map={'map' in viewerMap ? viewerMap.map : null}
        angleName={angleName(props.angle)}
        earlierDate={props.earlierDate}
        later="Later session"
        mapPending={
          viewerMap.status === 'computing'
            ? 'Change map: measuring the change between these two photos…'
            : undefined
        }
        mapNote={viewerMap.status === 'none' ? NO_MAP_WORDS[viewerMap.reason] : undefined}
        mapSource={
          viewerMap.status === 'computed'
            ? 'Measured now between the two sessions picked here. Results compare each session with the one before it.'
            : undefined
        }
        timelapse={props.timelapse}
      />
    </div>
  );
}

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
        <PairViews
          a={a}
          b={b}
          angle={angle}
          pair={pair.value.pair}
          stored={pair.value.map}
          earlierDate={props.earlierDate ? formatShortDateTime(props.earlierDate) : 'earlier session'}
          timelapse={timelapse.status === 'ready' ? timelapse.value : undefined}
        />
      )}
    </section>
  );
}
