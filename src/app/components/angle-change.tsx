import type { AngleAnalysisRow } from '../db/schema.ts';
import { useAsync } from '../state/async.ts';
import { registeredPairFor } from '../state/results.ts';
import { angleName } from '../text/angles.ts';
import { CHANGE_METHOD_WORDS, registrationWords } from '../text/change.ts';
import { formatDateTime, formatPercent } from '../text/format.ts';
import { CompareViews } from './compare-views.tsx';
import { Notice } from './notice.tsx';

/** The registered pair of an angle, loaded (registered in the worker) when the card shows. */
function RegisteredPairView(props: {
  sessionId: string;
  angle: AngleAnalysisRow;
  referenceSessionId: string;
  earlierDate: string;
}) {
  const { angle } = props;
  const pair = useAsync(
    () => registeredPairFor(props.sessionId, angle.angle, props.referenceSessionId),
    [props.sessionId, angle.angle, props.referenceSessionId],
  );
  if (pair.status === 'loading') return <p class="muted">Lining up the photos…</p>;
  if (pair.status === 'error') {
    return <p class="muted">The photos could not be lined up for viewing just now.</p>;
  }
  if (pair.value === undefined) {
    return (
      <p class="muted">
        These photos were stored before BCD lined photos up; analyse them again in Settings to compare them
        here.
      </p>
    );
  }
  return (
    <CompareViews
      pair={pair.value}
      map={angle.change_map}
      angleName={angleName(angle.angle)}
      earlierDate={props.earlierDate}
    />
  );
}

/**
 * How an angle's change was measured: by lining its photo up with the earlier ones (then the share of the frame
 * that changed, and the compare views), or as a whole (with the reason, and a retake hint when the photo could
 * not be lined up).
 */
export function AngleChange(props: {
  sessionId: string;
  angle: AngleAnalysisRow;
  /** When each session of the baseline was made, by id. */
  sessionDates: ReadonlyMap<string, string>;
}) {
  const { angle } = props;
  const registration = angle.registration;
  if (registration === null) {
    return angle.change_method === null ? null : (
      <p class="muted" data-testid="change-method">
        Measured: {CHANGE_METHOD_WORDS[angle.change_method]}.
      </p>
    );
  }
  const referenceDate = props.sessionDates.get(registration.reference_session_id);
  const local = angle.change_method === 'registered_local_change';
  return (
    <div data-testid="angle-change-detail">
      {local && (
        <p>
          Changed area{' '}
          <strong data-testid="changed-area" data-value={angle.changed_area_fraction}>
            {formatPercent(angle.changed_area_fraction)}
          </strong>{' '}
          of the frame
        </p>
      )}
      <p class="muted" data-testid="change-method">
        Measured: {angle.change_method ? CHANGE_METHOD_WORDS[angle.change_method] : 'not yet'}.{' '}
        {registrationWords(registration)}
        {referenceDate ? ` with the photo of ${formatDateTime(referenceDate)}.` : '.'}
      </p>
      {registration.hint && (
        <Notice kind="hint" testId="registration-hint">
          {registration.hint}
        </Notice>
      )}
      <RegisteredPairView
        sessionId={props.sessionId}
        angle={angle}
        referenceSessionId={registration.reference_session_id}
        earlierDate={referenceDate ? formatDateTime(referenceDate) : 'earlier session'}
      />
    </div>
  );
}
