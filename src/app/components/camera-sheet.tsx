import { useEffect, useRef, useState } from 'preact/hooks';
import type { CaptureSource } from '../camera/capture.ts';
import { capturePhoto } from '../camera/capture.ts';
import { SELF_TIMER_SECONDS, useSelfTimer } from '../camera/self-timer.ts';
import { useAsync } from '../state/async.ts';
import { angleStatus, overlayReference } from '../state/capture.ts';
import { addPhotos, removePhoto, useDraft } from '../state/draft.ts';
import { angleGuide, angleName } from '../text/angles.ts';
import { AngleChecklist } from './angle-checklist.tsx';
import { CaptureReview } from './capture-review.tsx';
import { FramingGuide } from './framing-guide.tsx';
import { GhostControls } from './ghost-controls.tsx';
import type { OverlayMode } from './ghost-overlay.tsx';
import { DEFAULT_OVERLAY_OPACITY, GhostOverlay } from './ghost-overlay.tsx';

function cameraErrorMessage(err: unknown): string {
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError') {
    return 'BCD was not allowed to use the camera. You can allow it in the browser settings, or choose a photo from your files instead.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return 'No camera was found. You can choose a photo from your files instead.';
  }
  return 'The camera could not be started. You can choose a photo from your files instead.';
}

/** Keeps Tab and Shift+Tab inside `root` (a modal dialog), wrapping at either end. */
function trapTab(event: KeyboardEvent, root: HTMLElement): void {
  if (event.key !== 'Tab') return;
  const focusable = [...root.querySelectorAll<HTMLElement>('button, input, [tabindex="0"]')].filter(
    (el) => !(el as HTMLButtonElement).disabled && el.offsetParent !== null,
  );
  const first = focusable[0];
  const last = focusable.at(-1);
  if (!first || !last) return;
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * Full-screen camera for the session's angles. The live picture shows the angle's last photo over it (as a photo
 * or its outline, at the opacity the person picks), or the framing guide before the angle's first session. Each
 * photo (a full-resolution still where the browser allows it; a self-timer speaks its countdown) goes into the
 * draft and is checked while the camera stays open, so a blurry or dark photo is retaken at once; the checklist
 * says which angles are done, missing or better taken again. Escape or Close hands focus back to the page.
 */
export function CameraSheet(props: { angle: string; angles: readonly string[]; onClose: () => void }) {
  const root = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const shutter = useRef<HTMLButtonElement>(null);
  const track = useRef<MediaStreamTrack | undefined>(undefined);
  const draft = useDraft();
  const [angle, setAngle] = useState(props.angle);
  const [facing, setFacing] = useState<'user' | 'environment'>('user');
  const [error, setError] = useState<string>();
  const [timer, setTimer] = useState(false);
  const selfTimer = useSelfTimer(() => void shoot());
  const [taken, setTaken] = useState<{ file: File; source: CaptureSource }>();
  // A full-resolution still can take a second or more on a phone: the shutter waits for it.
  const [capturing, setCapturing] = useState(false);
  const [opacity, setOpacity] = useState(DEFAULT_OVERLAY_OPACITY);
  const [mode, setMode] = useState<OverlayMode>('photo');
  const reference = useAsync(() => overlayReference(angle), [angle]);
  const overlay = reference.status === 'ready' ? reference.value : undefined;
  const review = taken && draft.photos.find((p) => p.file === taken.file);
  const refused = taken && draft.messages.find((m) => m.fileName === taken.file.name);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    shutter.current?.focus();
    return () => opener?.focus();
  }, []);

  useEffect(() => {
    let stream: MediaStream | undefined;
    let stopped = false;
    setError(undefined);
    navigator.mediaDevices
      .getUserMedia({
        video: { facingMode: facing, width: { ideal: 3840 }, height: { ideal: 2160 } },
        audio: false,
      })
      .then((s) => {
        stream = s;
        if (stopped) return s.getTracks().forEach((t) => t.stop());
        track.current = s.getVideoTracks()[0];
        if (video.current) video.current.srcObject = s;
      })
      .catch((err: unknown) => setError(cameraErrorMessage(err)));
    return () => {
      stopped = true;
      track.current = undefined;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [facing]);

  async function shoot() {
    if (!video.current || video.current.videoWidth === 0) return;
    setCapturing(true);
    try {
      const photo = await capturePhoto(video.current, track.current, angle);
      setTaken(photo);
      void addPhotos(angle, [photo.file]);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The photo could not be taken.');
    } finally {
      setCapturing(false);
    }
  }

  function pick(next: string) {
    setTaken(undefined);
    selfTimer.cancel();
    setAngle(next);
    shutter.current?.focus();
  }

  function retake() {
    if (review) removePhoto(review.key);
    setTaken(undefined);
    shutter.current?.focus();
  }

  const order = [...props.angles.slice(props.angles.indexOf(angle) + 1), ...props.angles];
  const nextAngle = order.find((a) => a !== angle && angleStatus(draft.photos, a) === 'missing');

  return (
    <div
      ref={root}
      class="camera"
      role="dialog"
      aria-modal="true"
      aria-labelledby="camera-title"
      data-testid="camera-sheet"
      data-angle={angle}
      data-capture-source={taken?.source}
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onClose();
        else if (root.current) trapTab(e, root.current);
      }}
    >
      <div class="camera-top">
        <h2 id="camera-title">Camera: {angleName(angle)}</h2>
        <p>
          {angleGuide(angle)}{' '}
          {overlay
            ? 'Line yourself up with your last photo of this angle.'
            : 'Keep your shoulders and hips inside the outline.'}
        </p>
        <AngleChecklist angles={props.angles} photos={draft.photos} current={angle} onPick={pick} />
      </div>
      <div class="camera-view">
        <video ref={video} autoplay playsinline muted aria-label="Live camera picture" />
        {overlay ? <GhostOverlay reference={overlay} mode={mode} opacity={opacity} /> : <FramingGuide />}
        {selfTimer.countdown !== undefined && (
          <div class="countdown" aria-live="assertive" data-testid="countdown">
            {selfTimer.countdown}
          </div>
        )}
        {error && (
          <div class="notice stop camera-error" role="alert">
            {error}
          </div>
        )}
        {review && (
          <CaptureReview
            photo={review}
            nextLabel={nextAngle ? `Next: ${angleName(nextAngle)}` : 'Done'}
            onRetake={retake}
            onNext={() => (nextAngle ? pick(nextAngle) : props.onClose())}
          />
        )}
        {refused && (
          <div class="notice stop camera-error" role="alert" data-testid="capture-refused">
            This photo could not be used: {refused.message}
          </div>
        )}
      </div>
      {overlay && <GhostControls opacity={opacity} mode={mode} onOpacity={setOpacity} onMode={setMode} />}
      <div class="camera-bar">
        <button type="button" onClick={props.onClose}>
          Close
        </button>
        <button
          ref={shutter}
          type="button"
          class="shutter"
          aria-label={timer ? `Take the photo in ${SELF_TIMER_SECONDS} seconds` : 'Take the photo'}
          disabled={error !== undefined}
          // Not `disabled` while a photo is on its way: a disabled button would drop the focus out of the dialog.
          aria-disabled={selfTimer.countdown !== undefined || capturing}
          onClick={() => {
            if (selfTimer.countdown !== undefined || capturing) return;
            setTaken(undefined);
            if (timer) selfTimer.start();
            else void shoot();
          }}
        />
        <div class="camera-options">
          <button type="button" onClick={() => setFacing(facing === 'user' ? 'environment' : 'user')}>
            Switch camera
          </button>
          <button type="button" aria-pressed={timer} onClick={() => setTimer(!timer)}>
            Timer: {timer ? `${SELF_TIMER_SECONDS} s` : 'off'}
          </button>
        </div>
      </div>
    </div>
  );
}
