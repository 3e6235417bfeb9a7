import type { ComponentChildren } from 'preact';
import { useEffect, useId, useState } from 'preact/hooks';
import type { RegisteredPair } from '../../core/change/index.ts';
import type { ChangeMap } from '../../core/scoring/index.ts';
import type { TimelapseFrame } from '../state/compare.ts';
import { ChangeLegend } from './change-legend.tsx';
import { ChangeMapLayer } from './change-map-layer.tsx';
import { PixelCanvas } from './pixel-canvas.tsx';
import { prefersReducedMotion } from './reduced-motion.ts';
import { TimelapseView } from './timelapse-view.tsx';

type Mode = 'side' | 'slider' | 'flicker' | 'timelapse';

const MODES: readonly { mode: Mode; label: string }[] = [
  { mode: 'side', label: 'Side by side' },
  { mode: 'slider', label: 'Slider' },
  { mode: 'flicker', label: 'Flicker' },
  { mode: 'timelapse', label: 'Timelapse' },
];

/** Time each photo stays up while flickering: long enough to see each, short enough for a change to jump out. */
const FLICKER_MS = 700;

/** The later photo's name in labels: "this session" on Results, "later session" on Compare. */
interface Names {
  angleName: string;
  later: string;
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
function LinedUpPhoto(props: { pair: RegisteredPair; map: ChangeMap | null; names: Names }) {
  return (
    <>
      <PixelCanvas
        class="layer"
        width={props.pair.width}
        height={props.pair.height}
        rgba={props.pair.photo}
        label={`${props.names.angleName}, ${props.names.later.toLowerCase()}${linedUp(props.pair) ? ', lined up with the earlier photo' : ''}`}
        testId="pair-photo"
      />
      {props.map && <ChangeMapLayer map={props.map} />}
    </>
  );
}

function Earlier(props: { pair: RegisteredPair; names: Names }) {
  return (
    <PixelCanvas
      class="layer"
      width={props.pair.width}
      height={props.pair.height}
      rgba={props.pair.reference}
      label={`${props.names.angleName}, earlier photo`}
      testId="pair-reference"
    />
  );
}

/** The slider's position (0–100 %) under a pointer on `stage`: where a finger or mouse drags the divider to. */
function positionAt(stage: HTMLElement, clientX: number): number {
  const box = stage.getBoundingClientRect();
  return Math.round(Math.min(100, Math.max(0, ((clientX - box.left) / box.width) * 100)));
}

function Slider(props: { pair: RegisteredPair; map: ChangeMap | null; names: Names }) {
  const [position, setPosition] = useState(50);
  const drag = (e: PointerEvent) => setPosition(positionAt(e.currentTarget as HTMLElement, e.clientX));
  return (
    <>
      <div
        class="drag-stage"
        data-testid="slider-stage"
        onPointerDown={(e) => {
          (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
          drag(e);
        }}
        onPointerMove={(e) => {
          if ((e.currentTarget as HTMLElement).hasPointerCapture(e.pointerId)) drag(e);
        }}
      >
        <Stage pair={props.pair}>
          <Earlier pair={props.pair} names={props.names} />
          <div class="layer" style={{ clipPath: `inset(0 0 0 ${position}%)` }}>
            <LinedUpPhoto pair={props.pair} map={props.map} names={props.names} />
          </div>
          <div class="divider" style={{ left: `${position}%` }} aria-hidden="true" />
        </Stage>
      </div>
      <input
        type="range"
        class="wide-range"
        min={0}
        max={100}
        value={position}
        aria-label={`Where the earlier photo ends and the ${props.names.later.toLowerCase()}'s begins`}
        aria-valuetext={`${position} % earlier photo`}
        data-testid="compare-slider"
        onInput={(e) => setPosition(Number(e.currentTarget.value))}
      />
      <div class="spread muted">
        <span>Earlier</span>
        <span>{props.names.later}</span>
      </div>
    </>
  );
}

function Flicker(props: { pair: RegisteredPair; map: ChangeMap | null; names: Names }) {
  const [playing, setPlaying] = useState(() => !prefersReducedMotion());
  const [showEarlier, setShowEarlier] = useState(false);
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setShowEarlier((shown) => !shown), FLICKER_MS);
    return () => clearInterval(timer);
  }, [playing]);
  const later = props.names.later.toLowerCase();
  const showingId = useId();
  return (
    <>
      <div
        class="key-stage"
        tabIndex={0}
        role="group"
        aria-label={`Flicker between the earlier photo and the ${later}: Space starts or stops it`}
        aria-describedby={showingId}
        onKeyDown={(e) => {
          if (e.key !== ' ') return;
          e.preventDefault();
          setPlaying((p) => !p);
        }}
      >
        <Stage pair={props.pair} testId="flicker-stage">
          {showEarlier ? (
            <Earlier pair={props.pair} names={props.names} />
          ) : (
            <LinedUpPhoto pair={props.pair} map={props.map} names={props.names} />
          )}
        </Stage>
      </div>
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
            Show {showEarlier ? later : 'earlier'}
          </button>
        )}
        <span
          id={showingId}
          class="muted"
          aria-live={playing ? 'off' : 'polite'}
          data-testid="flicker-showing"
        >
          {showEarlier ? 'Earlier photo' : props.names.later}
        </span>
      </div>
    </>
  );
}

/**
 * The registered pair of one angle (the earlier photo, and the later photo lined up onto it, or only scaled to its
 * frame when it could not be lined up), to compare side by side, with a slider between them (dragged on the
 * picture, or arrow keys on the range), or flicking between them (Space on the picture starts and stops it); with
 * `timelapse`, also every session's photo of the angle in turn. Flicker and timelapse start stopped when the person
 * asked for reduced motion. The change map, when there is one, can be laid over the later photo.
 */
export function CompareViews(props: {
  pair: RegisteredPair;
  map: ChangeMap | null;
  angleName: string;
  earlierDate: string;
  /** The later photo's name ("This session" by default). */
  later?: string;
  /** Why there is no change map to show (shown instead of the toggle); omit when there is nothing to say. */
  mapNote?: string;
  /** While the change map is being measured: what the toggle says meanwhile (it cannot be ticked yet). */
  mapPending?: string;
  /** A line under the legend about where the map shown comes from. */
  mapSource?: string;
  /** The angle over every session, oldest first; the timelapse mode is offered with two frames or more. */
  timelapse?: readonly TimelapseFrame[];
}) {
  const [mode, setMode] = useState<Mode>('side');
  const [showMap, setShowMap] = useState(true);
  const { pair } = props;
  const names: Names = { angleName: props.angleName, later: props.later ?? 'This session' };
  const map = showMap ? props.map : null;
  const timelapse = props.timelapse && props.timelapse.length >= 2 ? props.timelapse : undefined;
  const modes = MODES.filter((m) => m.mode !== 'timelapse' || timelapse);
  return (
    <div class="compare" data-testid="compare-views" data-mode={mode}>
      <div class="segmented" role="radiogroup" aria-label={`How to compare ${names.angleName}`}>
        {modes.map((m) => (
          <label key={m.mode} class={mode === m.mode ? 'selected' : undefined}>
            <input
              type="radio"
              class="visually-hidden"
              name={`compare-${names.angleName}`}
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
              <Earlier pair={pair} names={names} />
            </Stage>
            <figcaption class="muted">Earlier · {props.earlierDate}</figcaption>
          </figure>
          <figure>
            <Stage pair={pair}>
              <LinedUpPhoto pair={pair} map={map} names={names} />
            </Stage>
            <figcaption class="muted">
              {names.later}
              {linedUp(pair) ? ', lined up' : ' (not lined up)'}
            </figcaption>
          </figure>
        </div>
      )}
      {mode === 'slider' && <Slider pair={pair} map={map} names={names} />}
      {mode === 'flicker' && <Flicker pair={pair} map={map} names={names} />}
      {mode === 'timelapse' && timelapse && <TimelapseView frames={timelapse} angleName={names.angleName} />}
      {props.map && mode !== 'timelapse' && (
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
          {showMap && props.mapSource && (
            <p class="muted" data-testid="map-source">
              {props.mapSource}
            </p>
          )}
        </>
      )}
      {!props.map && props.mapPending && mode !== 'timelapse' && (
        <label class="toggle" aria-busy="true">
          <input type="checkbox" checked={false} disabled data-testid="map-toggle" />
          <span data-testid="map-pending">{props.mapPending}</span>
        </label>
      )}
      {!props.map && !props.mapPending && props.mapNote && mode !== 'timelapse' && (
        <p class="muted" data-testid="map-note">
          {props.mapNote}
        </p>
      )}
    </div>
  );
}
