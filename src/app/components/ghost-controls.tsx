import type { OverlayMode } from './ghost-overlay.tsx';

const MODES: readonly { mode: OverlayMode; label: string }[] = [
  { mode: 'photo', label: 'Photo' },
  { mode: 'outline', label: 'Outline' },
];

/** The capture overlay's controls: how strongly the last photo shows (0–100 %) and whether as photo or outline. */
export function GhostControls(props: {
  opacity: number;
  mode: OverlayMode;
  onOpacity: (opacity: number) => void;
  onMode: (mode: OverlayMode) => void;
}) {
  const percent = Math.round(props.opacity * 100);
  return (
    <div class="ghost-controls">
      <label class="ghost-opacity">
        <span>Last photo</span>
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          value={percent}
          aria-valuetext={`${percent} %`}
          data-testid="ghost-opacity"
          onInput={(e) => props.onOpacity(Number(e.currentTarget.value) / 100)}
        />
      </label>
      <div class="segmented dark" role="radiogroup" aria-label="Show the last photo as">
        {MODES.map((m) => (
          <label key={m.mode} class={props.mode === m.mode ? 'selected' : undefined}>
            <input
              type="radio"
              class="visually-hidden"
              name="ghost-mode"
              checked={props.mode === m.mode}
              data-testid={`ghost-mode-${m.mode}`}
              onChange={() => props.onMode(m.mode)}
            />
            {m.label}
          </label>
        ))}
      </div>
    </div>
  );
}
