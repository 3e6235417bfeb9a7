import type { DraftPhoto } from '../state/draft.ts';
import { angleStatus } from '../state/capture.ts';
import { angleName } from '../text/angles.ts';
import { ANGLE_STATUS_WORDS } from '../text/capture.ts';

const STATUS_MARK = { missing: '○', checking: '…', done: '✓', retake: '!' } as const;

/**
 * The session's angles as a checklist (done, missing, retake advised, checking), each a button that turns the
 * camera to that angle; the one being photographed is marked current.
 */
export function AngleChecklist(props: {
  angles: readonly string[];
  photos: readonly DraftPhoto[];
  current: string;
  onPick: (angle: string) => void;
}) {
  return (
    <nav aria-label="Angles of this session">
      <ul class="checklist" data-testid="angle-checklist">
        {props.angles.map((angle) => {
          const status = angleStatus(props.photos, angle);
          return (
            <li key={angle}>
              <button
                type="button"
                class={`check-${status}`}
                aria-current={angle === props.current ? 'step' : undefined}
                data-testid={`checklist-${angle}`}
                data-status={status}
                onClick={() => props.onPick(angle)}
              >
                <span aria-hidden="true">{STATUS_MARK[status]}</span>
                {angleName(angle)}
                <span class="visually-hidden">: {ANGLE_STATUS_WORDS[status]}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
