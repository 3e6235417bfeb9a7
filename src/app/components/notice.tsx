import type { ComponentChildren } from 'preact';

/**
 * A message box. `info` is a calm note, `hint` a suggestion, `stop` something that did not work (it is announced
 * to screen readers at once).
 */
export function Notice(props: {
  kind?: 'info' | 'hint' | 'stop';
  children: ComponentChildren;
  onDismiss?: () => void;
  testId?: string;
}) {
  const kind = props.kind ?? 'info';
  return (
    <div class={`notice ${kind}`} role={kind === 'stop' ? 'alert' : 'status'} data-testid={props.testId}>
      <div>{props.children}</div>
      {props.onDismiss && (
        <button type="button" class="quiet" onClick={props.onDismiss} aria-label="Dismiss this message">
          OK
        </button>
      )}
    </div>
  );
}
