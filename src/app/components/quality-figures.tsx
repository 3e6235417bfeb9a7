import { BLUR_THRESHOLD } from '../../core/config.ts';
import type { ImageQuality } from '../../core/quality/index.ts';
import { formatPercent } from '../text/format.ts';
import { flagLabel, sharpnessWords } from '../text/quality.ts';

/** A photo's sharpness, brightness and contrast, its flags, and a plain retake hint for each flag. */
export function QualityFigures(props: { quality: ImageQuality; showHints?: boolean }) {
  const q = props.quality;
  return (
    <div data-testid="quality">
      <div class="quality-figures">
        <span data-testid="quality-blur" data-value={q.blur_score}>
          Focus: {sharpnessWords(q.blur_score, BLUR_THRESHOLD)}
        </span>
        <span data-testid="quality-brightness" data-value={q.brightness}>
          Brightness: {formatPercent(q.brightness)}
        </span>
        <span data-testid="quality-contrast" data-value={q.contrast}>
          Contrast: {formatPercent(q.contrast)}
        </span>
        <span data-testid="quality-score" data-value={q.image_quality_score}>
          Quality: {formatPercent(q.image_quality_score)}
        </span>
      </div>
      {q.flags.length > 0 && (
        <div class="row" style={{ marginTop: '0.3rem' }} data-testid="quality-flags">
          {q.flags.map((f) => (
            <span class="chip" key={f} data-flag={f}>
              {flagLabel(f)}
            </span>
          ))}
        </div>
      )}
      {props.showHints !== false && q.hints.length > 0 && (
        <ul class="hints" data-testid="retake-hints">
          {q.hints.map((h) => (
            <li key={h}>{h}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
