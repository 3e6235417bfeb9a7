import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { RegisteredPair } from '../../core/change/index.ts';
import type { ChangeMap } from '../../core/scoring/index.ts';
import { ChangeLegend } from './change-legend.tsx';
import { ChangeMapLayer } from './change-map-layer.tsx';
import { PixelCanvas } from './pixel-canvas.tsx';

type Mode = 'side' | 'slider' | 'flicker';

const MODES: readonly { mode: Mode; label: string }[] = [
  { mode: 'side', label: 'Side by side' },
  { mode: 'slider', label: 'Slider' },
  { mode: 'flicker', label: 'Flicker' },
];

/** Time each photo stays up while flickering: long enough to see each, short enough for a change to jump out. */
const FLICKER_MS = 700;

function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** A box of the pair's aspect ratio whose children (canvases, the map) fill it, stacked. */
function Stage(props: { pair: RegisteredPair; children: ComponentChildren; testId?: string }) {
  return (
    <div
      class="stage"
      style={{ aspectRatio: `${props.pair.width} / ${props.pair.height}` }}
      data-testid={props.testId}
    >
      {props.children}
    </div>
  );
}

/** Whether the pair's photo was registered onto the reference (else it is only scaled to the frame). */
function linedUp(pair: RegisteredPair): boolean {
  return pair.registration.method !== 'failed';
}

/** This session's photo on the reference frame, with the change map over it when shown. */
function LinedUpPhoto(props: { pair: RegisteredPair; map: ChangeMap | null; angleName: string }) {
  return (
    <>
      <PixelCanvas
        class="layer"
        width={props.pair.width}
        height={props.pair.height}
        rgba={props.pair.photo}
        label={`${props.angleName}, this session${linedUp(props.pair) ? ', lined up with the earlier photo' : ''}`}
        testId="pair-photo"
      />
      {props.map && <ChangeMapLayer map={props.map} />}
    </>
  );
}

function Earlier(props: { pair: RegisteredPair; angleName: string }) {
  return (
    <PixelCanvas
      class="layer"
      width={props.pair.width}
      height={props.pair.height}
      rgba={props.pair.reference}
      label={`${props.angleName}, earlier photo`}
      testId="pair-reference"
    />
  );
}

function Slider(props: { pair: RegisteredPair; map: ChangeMap | null; angleName: string }) {
  const [position, setPosition] = useState(50);
  return (
    <>
      <Stage pair={props.pair}>
        <Earlier pair={props.pair} angleName={props.angleName} />
        <div class="layer" style={{ clipPath: `inset(0 0 0 ${position}%)` }}>
          <LinedUpPhoto pair={props.pair} map={props.map} angleName={props.angleName} />
        </div>
        <div class="divider" style={{ left: `${position}%` }} aria-hidden="true" />
      </Stage>
      <input
        type="range"
        class="wide-range"
        min={0}
        max={100}
        value={position}
        aria-label="Where the earlier photo ends and this session's begins"
        aria-valuetext={`${position} % earlier photo`}
        data-testid="compare-slider"
        onInput={(e) => setPosition(Number(e.currentTarget.value))}
      />
      <div class="spread muted">
        <span>Earlier</span>
        <span>This session</span>
      </div>
    </>
  );
}

function Flicker(props: { pair: RegisteredPair; map: ChangeMap | null; angleName: string }) {
  const [playing, setPlaying] = useState(() => !prefersReducedMotion());
  const [showEarlier, setShowEarlier] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setShowEarlier((shown) => !shown), FLICKER_MS);
    return () => clearInterval(timer);
  }, [playing]);
  return (
    <>
      <Stage pair={props.pair} testId="flicker-stage">
        {showEarlier ? (
          <Earlier pair={props.pair} angleName={props.angleName} />
        ) : (
          <LinedUpPhoto pair={props.pair} map={props.map} angleName={props.angleName} />
        )}
      </Stage>
      <div class="row" style={{ marginTop: '0.4rem' }}>
        <button
          type="button"
          class="small"
          aria-pressed={playing}
          data-testid="flicker-toggle"
          onClick={() => setPlaying((p) => !p)}
        >
          {playing ? 'Stop flicker' : 'Flicker'}
        </button>
        {!playing && (
          <button type="button" class="small quiet" onClick={() => setShowEarlier((shown) => !shown)}>
            Show {showEarlier ? 'this session' : 'earlier'}
          </button>
        )}
        <span class="muted" aria-live={playing ? 'off' : 'polite'} data-testid="flicker-showing">
          {showEarlier ? 'Earlier photo' : 'This session'}
        </span>
      </div>
    </>
  );
}

/**
 * The registered pair of one angle (the earlier photo its change was measured against, and this session's photo
 * lined up onto it, or only scaled to its frame when it could not be lined up), to compare three ways: side by side, a slider between them, or flicking between them
 * (stopped at first when the person asked for reduced motion). The change map can be laid over this session's
 * photo.
 */
export function CompareViews(props: {
  pair: RegisteredPair;
  map: ChangeMap | null;
  angleName: string;
  earlierDate: string;
}) {
  const [mode, setMode] = useState<Mode>('side');
  const [showMap, setShowMap] = useState(true);
  const { pair, angleName } = props;
  const map = showMap ? props.map : null;
  return (
    <div class="compare" data-testid="compare-views" data-mode={mode}>
      <div class="segmented" role="radiogroup" aria-label={`How to compare ${angleName}`}>
        {MODES.map((m) => (
          <label key={m.mode} class={mode === m.mode ? 'selected' : undefined}>
            <input
              type="radio"
              class="visually-hidden"
              name={`compare-${angleName}`}
              checked={mode === m.mode}
              data-testid={`compare-mode-${m.mode}`}
              onChange={() => setMode(m.mode)}
            />
            {m.label}
          </label>
        ))}
      </div>
      {mode === 'side' && (
        <div class="pair">
          <figure>
            <Stage pair={pair}>
              <Earlier pair={pair} angleName={angleName} />
            </Stage>
            <figcaption class="muted">Earlier · {props.earlierDate}</figcaption>
          </figure>
          <figure>
            <Stage pair={pair}>
              <LinedUpPhoto pair={pair} map={map} angleName={angleName} />
            </Stage>
            <figcaption class="muted">
              {linedUp(pair) ? 'This session, lined up' : 'This session (not lined up)'}
            </figcaption>
          </figure>
        </div>
      )}
      {mode === 'slider' && <Slider pair={pair} map={map} angleName={angleName} />}
      {mode === 'flicker' && <Flicker pair={pair} map={map} angleName={angleName} />}
      {props.map && (
        <>
          <label class="toggle">
            <input
              type="checkbox"
              checked={showMap}
              data-testid="map-toggle"
              onChange={(e) => setShowMap(e.currentTarget.checked)}
            />
            Show the change map
          </label>
          {showMap && <ChangeLegend />}
        </>
      )}
    </div>
  );
}
