import type { ComponentChildren } from 'preact';

/**
 * One headline figure. `value` is kept at full precision in `data-value`, so tests can compare exactly what the
 * page shows with the CLI's numbers.
 */
export function Figure(props: {
  label: string;
  display: string;
  value: number | string | null;
  testId: string;
  children?: ComponentChildren;
}) {
  return (
    <div
      class="figure"
      data-testid={props.testId}
      data-value={props.value === null ? '' : String(props.value)}
    >
      <div class="label">{props.label}</div>
      <div class="value">{props.display}</div>
      {props.children && <div class="note">{props.children}</div>}
    </div>
  );
}
