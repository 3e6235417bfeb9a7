/** A dashed outline of head, shoulders and hips over the camera picture, so every session is framed alike. */
export function FramingGuide() {
  return (
    <svg viewBox="0 0 100 160" preserveAspectRatio="xMidYMid meet" aria-hidden="true">
      <g fill="none" stroke="rgba(255,255,255,0.85)" stroke-width="0.8" stroke-dasharray="3 2">
        <ellipse cx="50" cy="26" rx="10" ry="12.5" />
        <path d="M40 38 L38 44 C24 47 20 52 19 62 L17 100 M60 38 L62 44 C76 47 80 52 81 62 L83 100" />
        <path d="M30 62 C31 85 29 100 30 118 L70 118 C71 100 69 85 70 62" />
        <line x1="50" y1="44" x2="50" y2="148" stroke-dasharray="1 3" />
      </g>
    </svg>
  );
}
