import { useEffect, useRef, useState } from 'preact/hooks';
import { speakCountdown, stopSpeaking } from './countdown-voice.ts';

/** Self-timer, s: long enough to put the phone down (or step back from the screen) into the outline. */
export const SELF_TIMER_SECONDS = 10;

/** A running self-timer: the seconds left (undefined when none runs), and how to start or cancel it. */
export interface SelfTimer {
  countdown: number | undefined;
  start: () => void;
  cancel: () => void;
}

/**
 * The self-timer shared by the phone's camera sheet and the bigger screen's live view: counts down from
 * `SELF_TIMER_SECONDS` once a second, speaking each number, then calls `fire` (the latest one given). Cancelling,
 * or unmounting the component, stops the count and the voice.
 */
export function useSelfTimer(fire: () => void): SelfTimer {
  const [countdown, setCountdown] = useState<number>();
  const latestFire = useRef(fire);
  latestFire.current = fire;

  useEffect(() => () => stopSpeaking(), []);

  useEffect(() => {
    if (countdown === undefined) return;
    if (countdown === 0) {
      setCountdown(undefined);
      latestFire.current();
      return;
    }
    speakCountdown(countdown);
    const id = setTimeout(() => setCountdown(countdown - 1), 1000);
    return () => clearTimeout(id);
  }, [countdown]);

  return {
    countdown,
    start: () => setCountdown(SELF_TIMER_SECONDS),
    cancel: () => {
      setCountdown(undefined);
      stopSpeaking();
    },
  };
}
