import { useEffect, useRef, useState } from 'preact/hooks';
import { angleGuide, angleName } from '../text/angles.ts';
import { FramingGuide } from './framing-guide.tsx';

/** JPEG quality of camera photos: near the phone camera's own, so quality figures are not lowered by compression. */
const JPEG_QUALITY = 0.92;
/** Self-timer, long enough to put the phone down and step back into the outline. */
const TIMER_SECONDS = 10;

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

async function grabFrame(video: HTMLVideoElement, angle: string): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d')?.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY),
  );
  if (!blob) throw new Error('The photo could not be taken.');
  return new File([blob], `${angle}-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`, {
    type: 'image/jpeg',
  });
}

/**
 * Full-screen camera for one angle: the live picture with a framing guide and the angle's name; the shutter
 * (optionally on a self-timer) hands the photo to `onPhoto` and closes.
 */
export function CameraSheet(props: { angle: string; onPhoto: (file: File) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [facing, setFacing] = useState<'user' | 'environment'>('user');
  const [error, setError] = useState<string>();
  const [timer, setTimer] = useState(false);
  const [countdown, setCountdown] = useState<number>();

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
        if (video.current) video.current.srcObject = s;
      })
      .catch((err: unknown) => setError(cameraErrorMessage(err)));
    return () => {
      stopped = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [facing]);

  useEffect(() => {
    if (countdown === undefined) return;
    if (countdown === 0) {
      setCountdown(undefined);
      void shoot();
      return;
    }
    const id = setTimeout(() => setCountdown(countdown - 1), 1000);
    return () => clearTimeout(id);
  }, [countdown]);

  async function shoot() {
    if (!video.current || video.current.videoWidth === 0) return;
    try {
      props.onPhoto(await grabFrame(video.current, props.angle));
      props.onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The photo could not be taken.');
    }
  }

  return (
    <div class="camera" role="dialog" aria-modal="true" aria-label={`Camera: ${angleName(props.angle)}`}>
      <div class="camera-top">
        <h2 style={{ margin: 0 }}>{angleName(props.angle)}</h2>
        <p style={{ margin: 0 }}>
          {angleGuide(props.angle)} Keep your shoulders and hips inside the outline.
        </p>
      </div>
      <div class="camera-view">
        <video ref={video} autoplay playsinline muted />
        <FramingGuide />
        {countdown !== undefined && (
          <div
            style={{
              position: 'absolute',
              inset: 0,
              display: 'grid',
              placeItems: 'center',
              fontSize: '5rem',
            }}
            aria-live="assertive"
          >
            {countdown}
          </div>
        )}
        {error && (
          <div
            style={{ position: 'absolute', inset: 'auto 1rem 1rem 1rem' }}
            class="notice stop"
            role="alert"
          >
            {error}
          </div>
        )}
      </div>
      <div class="camera-bar">
        <button type="button" onClick={props.onClose}>
          Close
        </button>
        <button
          type="button"
          class="shutter"
          aria-label={timer ? `Take the photo in ${TIMER_SECONDS} seconds` : 'Take the photo'}
          disabled={error !== undefined || countdown !== undefined}
          onClick={() => (timer ? setCountdown(TIMER_SECONDS) : void shoot())}
        />
        <div class="row" style={{ flexDirection: 'column', gap: '0.35rem' }}>
          <button type="button" onClick={() => setFacing(facing === 'user' ? 'environment' : 'user')}>
            Switch camera
          </button>
          <button type="button" aria-pressed={timer} onClick={() => setTimer(!timer)}>
            Timer: {timer ? `${TIMER_SECONDS} s` : 'off'}
          </button>
        </div>
      </div>
    </div>
  );
}
