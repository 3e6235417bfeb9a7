import { useState } from 'preact/hooks';

/** A "this looks wrong" / "bad photo" button; once pressed it says the note was kept. */
export function FlagButton(props: {
  label: string;
  flagged: boolean;
  onFlag: () => Promise<void>;
  testId: string;
}) {
  const [error, setError] = useState<string>();
  if (props.flagged) {
    return (
      <span class="muted" data-testid={`${props.testId}-done`}>
        Noted, thank you.
      </span>
    );
  }
  return (
    <span>
      <button
        type="button"
        class="quiet small"
        data-testid={props.testId}
        onClick={() =>
          props.onFlag().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)))
        }
      >
        {props.label}
      </button>
      {error && (
        <span class="muted" role="alert">
          {' '}
          The note could not be saved: {error}
        </span>
      )}
    </span>
  );
}
