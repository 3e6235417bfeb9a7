import { levelLabel } from '../text/format.ts';
import { LEGEND_LEVELS } from './change-scale.ts';

/** What the change map's colours mean, in the same neutral level words as the figures. */
export function ChangeLegend() {
  return (
    <div class="legend" data-testid="change-legend">
      <ul class="legend-levels" aria-label="Change map colours">
        {LEGEND_LEVELS.map(({ level, colour }) => (
          <li key={level}>
            <span class="swatch" style={{ background: colour }} aria-hidden="true" />
            {levelLabel(level)}
          </li>
        ))}
      </ul>
      <p class="muted">
        No colour: Stable, or outside the part both photos show. The colour says how much an area changed
        compared with your own earlier photo, not why.
      </p>
    </div>
  );
}
