import type { VariationLevel } from '../../core/scoring/index.ts';
import { levelLabel } from '../text/format.ts';

/** A variation level in neutral words. */
export function LevelBadge(props: { level: VariationLevel }) {
  return (
    <span class="level" data-level={props.level}>
      {levelLabel(props.level)}
    </span>
  );
}
