/** A progress bar for long work, with its label for screen readers. */
export function ProgressBar(props: { fraction: number; label: string }) {
  const percent = Math.round(Math.max(0, Math.min(1, props.fraction)) * 100);
  return (
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
  );
}
