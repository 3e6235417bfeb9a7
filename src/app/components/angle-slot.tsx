import type { DraftPhoto, SlotMessage } from '../state/draft.ts';
import { addPhotos, dismissMessage, removePhoto } from '../state/draft.ts';
import { angleStatus } from '../state/capture.ts';
import { angleName } from '../text/angles.ts';
import { ANGLE_STATUS_WORDS } from '../text/capture.ts';
import { captureAlignmentHint } from '../text/change.ts';
import { Notice } from './notice.tsx';
import { QualityFigures } from './quality-figures.tsx';

function SlotPhoto(props: { photo: DraftPhoto; disabled: boolean }) {
  const { photo } = props;
  const alignmentHint = photo.check.status === 'ready' ? captureAlignmentHint(photo.check.alignment) : null;
  // The registration method (or `none` without an earlier photo) is kept for tests, as figures keep `data-value`.
  const alignment = photo.check.status === 'ready' ? (photo.check.alignment?.method ?? 'none') : undefined;
  return (
    <div class="slot-photo" data-testid="slot-photo" data-alignment={alignment}>
      <img class="thumb" src={photo.previewUrl} alt={`Photo for ${angleName(photo.angle)}`} />
      <div>
        {photo.check.status === 'checking' ? (
          <p class="muted" data-testid="checking">
            Checking the photo…
          </p>
        ) : (
          <QualityFigures quality={photo.check.quality} />
        )}
        {alignmentHint && (
          <Notice kind="hint" testId="alignment-hint">
            {alignmentHint}
          </Notice>
        )}
        <div class="photo-actions">
          <button
            type="button"
            class="quiet small"
            disabled={props.disabled}
            onClick={() => removePhoto(photo.key)}
            aria-label={`Remove this photo from ${angleName(photo.angle)}`}
          >
            Remove
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * One angle of a new session: its photos with their quality and retake hints, messages about files it could not
 * use, and the two ways to add a photo (camera or file).
 */
export function AngleSlot(props: {
  angle: string;
  photos: DraftPhoto[];
  messages: SlotMessage[];
  disabled: boolean;
  onCamera: (angle: string) => void;
}) {
  const { angle } = props;
  const inputId = `file-${angle}`;
  const status = angleStatus(props.photos, angle);
  return (
    <section class="card" data-testid={`slot-${angle}`} aria-labelledby={`slot-title-${angle}`}>
      <div class="spread">
        <h2 id={`slot-title-${angle}`} class="slot-title">
          {angleName(angle)}
        </h2>
        <span class="muted" data-testid="slot-status" data-status={status}>
          {props.photos.length === 0
            ? 'No photo (optional)'
            : `${props.photos.length} photo${props.photos.length > 1 ? 's' : ''} · ${ANGLE_STATUS_WORDS[status]}`}
        </span>
      </div>
      {props.photos.length > 0 && (
        <div class="slot-photos">
          {props.photos.map((p) => (
            <SlotPhoto key={p.key} photo={p} disabled={props.disabled} />
          ))}
        </div>
      )}
      {props.messages.map((m) => (
        <Notice key={m.key} kind="stop" onDismiss={() => dismissMessage(m.key)} testId="slot-message">
          <strong>“{m.fileName}” was not added.</strong> {m.message}
        </Notice>
      ))}
      <div class="row" style={{ marginTop: '0.5rem' }}>
        <button type="button" disabled={props.disabled} onClick={() => props.onCamera(angle)}>
          {props.photos.length > 0 ? 'Take another' : 'Take photo'}
        </button>
        <label class="button" for={inputId} aria-disabled={props.disabled}>
          {props.photos.length > 0 ? 'Add from files' : 'Choose from files'}
        </label>
        <input
          id={inputId}
          class="visually-hidden"
          type="file"
          accept="image/*"
          multiple
          disabled={props.disabled}
          data-testid={`file-input-${angle}`}
          onChange={(e) => {
            const input = e.currentTarget;
            const files = [...(input.files ?? [])];
            input.value = '';
            void addPhotos(angle, files);
          }}
        />
      </div>
    </section>
  );
}
