import { useEffect, useState } from 'preact/hooks';
import type { TimelapseFrame } from '../state/compare.ts';
import { formatShortDateTime } from '../text/format.ts';
import { PixelCanvas } from './pixel-canvas.tsx';
import { prefersReducedMotion } from './reduced-motion.ts';

/** Time each session stays up in the timelapse: long enough to take in a photo before the next. */
const FRAME_MS = 900;

/**
 * An angle over every session, oldest first, one frame at a time on the first session's frame and scale. It plays on
 * its own (not when the person asked for reduced motion); Space on the picture plays or pauses, the arrow keys on
 * the range (or Previous and Next) step through the sessions.
 */
export function TimelapseView(props: { frames: readonly TimelapseFrame[]; angleName: string }) {
  const { frames } = props;
  const [index, setIndex] = useState(0);
  const [playing, setPlaying] = useState(() => !prefersReducedMotion());
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % frames.length), FRAME_MS);
    return () => clearInterval(timer);
  }, [playing, frames.length]);
  const frame = frames[Math.min(index, frames.length - 1)] as TimelapseFrame;
  const date = formatShortDateTime(frame.session.taken_at);
  const step = (by: number) => {
    setPlaying(false);
    setIndex((i) => (i + by + frames.length) % frames.length);
  };
  return (
    <div data-testid="timelapse" data-index={index} data-session-id={frame.session.id}>
      <div
        class="key-stage"
        tabIndex={0}
        role="group"
        aria-label={`Timelapse of ${props.angleName}: Space plays or pauses it`}
        onKeyDown={(e) => {
          if (e.key !== ' ') return;
          e.preventDefault();
          setPlaying((p) => !p);
        }}
      >
        <div class="stage" style={{ aspectRatio: `${frame.width} / ${frame.height}` }}>
          <PixelCanvas
            class="layer"
            width={frame.width}
            height={frame.height}
            rgba={frame.rgba}
            label={`${props.angleName}, session of ${date}${frame.linedUp ? '' : ' (not lined up)'}`}
            testId="timelapse-frame"
          />
        </div>
      </div>
      <input
        type="range"
        class="wide-range"
        min={0}
        max={frames.length - 1}
        value={index}
        aria-label="Session shown"
        aria-valuetext={`${date}, ${index + 1} of ${frames.length}`}
        data-testid="timelapse-range"
        onInput={(e) => {
          setPlaying(false);
          setIndex(Number(e.currentTarget.value));
        }}
      />
      <div class="row" style={{ marginTop: '0.4rem' }}>
        <button
          type="button"
          class="small"
          aria-pressed={playing}
          data-testid="timelapse-play"
          onClick={() => setPlaying((p) => !p)}
        >
          {playing ? 'Pause' : 'Play'}
        </button>
        <button type="button" class="small quiet" aria-label="Previous session" onClick={() => step(-1)}>
          ‹
        </button>
        <button type="button" class="small quiet" aria-label="Next session" onClick={() => step(1)}>
          ›
        </button>
        <span class="muted" aria-live={playing ? 'off' : 'polite'} data-testid="timelapse-date">
          {date} · {index + 1} of {frames.length}
        </span>
      </div>
    </div>
  );
}
