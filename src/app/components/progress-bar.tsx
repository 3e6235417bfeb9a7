/**
 * A progress bar for long work, with its label for screen readers, and a Cancel button under it when the work
 * can be stopped (`onCancel`).
 */
export function ProgressBar(props: { fraction: number; label: string; onCancel?: () => void }) {
  const percent = Math.round(Math.max(0, Math.min(1, props.fraction)) * 100);
  return (
    <>
      <div
        class="progress"
        role="progressbar"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div style={{ width: `${percent}%` }} />
      </div>
      {props.onCancel && (
        <button type="button" class="quiet wide" style={{ marginTop: '0.6rem' }} onClick={props.onCancel}>
          Cancel
        </button>
      )}
    </>
  );
}
