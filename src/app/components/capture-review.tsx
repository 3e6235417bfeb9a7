import type { DraftPhoto } from '../state/draft.ts';
import { photoAdvice } from '../state/capture.ts';
import { captureAlignmentHint } from '../text/change.ts';
import { PHOTO_LOOKS_GOOD, PHOTO_LOOKS_GOOD_FIRST } from '../text/capture.ts';
import { QualityFigures } from './quality-figures.tsx';

/**
 * The photo just taken, checked while the camera stays open: its quality figures and retake hints (or that it looks
 * good), with Retake (the photo is dropped and the camera is ready again) and the way on (next angle, or done).
 */
export function CaptureReview(props: {
  photo: DraftPhoto;
  nextLabel: string;
  onRetake: () => void;
  onNext: () => void;
}) {
  const { photo } = props;
  const advice = photoAdvice(photo.check);
  const alignmentHint = photo.check.status === 'ready' ? captureAlignmentHint(photo.check.alignment) : null;
  return (
    <section
      class="capture-review"
      aria-label="The photo just taken"
      data-testid="capture-review"
      data-advice={advice}
    >
      <img class="thumb" src={photo.previewUrl} alt="The photo just taken" />
      <div aria-live="polite">
        {photo.check.status === 'checking' ? (
          <p>Checking the photo…</p>
        ) : (
          <>
            {advice === 'retake' ? (
              <p>
                <strong>Retake advised.</strong>
              </p>
            ) : (
              <p data-testid="looks-good">
                {photo.check.alignment ? PHOTO_LOOKS_GOOD : PHOTO_LOOKS_GOOD_FIRST}
              </p>
            )}
            <QualityFigures quality={photo.check.quality} />
            {alignmentHint && (
              <p class="hint-text" data-testid="review-alignment-hint">
                {alignmentHint}
              </p>
            )}
          </>
        )}
      </div>
      <div class="row">
        <button type="button" class={advice === 'retake' ? 'primary' : undefined} onClick={props.onRetake}>
          Retake
        </button>
        <button type="button" class={advice === 'retake' ? undefined : 'primary'} onClick={props.onNext}>
          {props.nextLabel}
        </button>
      </div>
    </section>
  );
}
