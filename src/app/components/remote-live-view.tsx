import { useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_ANGLES } from '../../core/config.ts';
import { SELF_TIMER_SECONDS, useSelfTimer } from '../camera/self-timer.ts';
import type { ReceivedPhoto } from '../remote-camera/photo-transfer.ts';
import { useAsync } from '../state/async.ts';
import { overlayReference } from '../state/capture.ts';
import { addPhotos, useDraft } from '../state/draft.ts';
import { angleGuide, angleName } from '../text/angles.ts';
import { FramingGuide } from './framing-guide.tsx';
import { GhostControls } from './ghost-controls.tsx';
import { DEFAULT_OVERLAY_OPACITY, GhostOverlay, type OverlayMode } from './ghost-overlay.tsx';

const EXTENSIONS: Record<ReceivedPhoto['mime'], string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/**
 * The phone's live picture on the bigger screen, as large as the screen allows at the picture's own shape, with the
 * angle's last photo over it (or the framing guide before there is one). The shutter, or its self-timer (spoken),
 * asks the phone for a full-resolution photo, which goes into the session draft under the chosen angle.
 */
export function RemoteLiveView(props: {
  stream: MediaStream;
  angle: string;
  onAngle: (angle: string) => void;
  takePhoto: () => Promise<ReceivedPhoto>;
  onStop: () => void;
  onDone: () => void;
}) {
  const { angle } = props;
  const video = useRef<HTMLVideoElement>(null);
  const [ratio, setRatio] = useState(3 / 4);
  const [timer, setTimer] = useState(false);
  const selfTimer = useSelfTimer(() => void shoot());
  const [taking, setTaking] = useState(false);
  const [error, setError] = useState<string>();
  const [last, setLast] = useState<{ file: File; photo: ReceivedPhoto }>();
  const [opacity, setOpacity] = useState(DEFAULT_OVERLAY_OPACITY);
  const [mode, setMode] = useState<OverlayMode>('photo');
  const reference = useAsync(() => overlayReference(angle), [angle]);
  const overlay = reference.status === 'ready' ? reference.value : undefined;
  const draft = useDraft();
  const arrived = last && draft.photos.find((p) => p.file === last.file);
  const refused = last && draft.messages.find((m) => m.fileName === last.file.name);
  const inAngle = draft.photos.filter((p) => p.angle === angle).length;

  useEffect(() => {
    if (video.current) video.current.srcObject = props.stream;
  }, [props.stream]);

  async function shoot() {
    setTaking(true);
    setError(undefined);
    try {
      const photo = await props.takePhoto();
      const name = `${angle}-${new Date().toISOString().replace(/[:.]/g, '-')}.${EXTENSIONS[photo.mime]}`;
      const file = new File([photo.bytes], name, { type: photo.mime });
      setLast({ file, photo });
      void addPhotos(angle, [file]);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The photo could not be taken.');
    } finally {
      setTaking(false);
    }
  }

  const onVideoSize = () => {
    const v = video.current;
    if (v && v.videoWidth > 0 && v.videoHeight > 0) setRatio(v.videoWidth / v.videoHeight);
  };

  return (
    <div class="camera remote-live" role="dialog" aria-modal="true" aria-labelledby="remote-title">
      <div class="camera-top">
        <div class="spread">
          <h2 id="remote-title">Phone camera</h2>
          <select
            aria-label="Angle"
            value={angle}
            onChange={(e) => props.onAngle(e.currentTarget.value)}
            data-testid="remote-angle"
          >
            {DEFAULT_ANGLES.map((a) => (
              <option key={a} value={a}>
                {angleName(a)}
              </option>
            ))}
          </select>
        </div>
        <p>
          {angleGuide(angle)}{' '}
          {overlay
            ? 'Line yourself up with your last photo of this angle.'
            : 'Keep your shoulders and hips inside the outline.'}
        </p>
      </div>
      <div class="remote-stage">
        <div class="camera-view remote-frame" style={{ '--ratio': String(ratio) }}>
          <video
            ref={video}
            autoplay
            playsinline
            muted
            aria-label="Live picture from the phone"
            data-testid="remote-video"
            onLoadedMetadata={onVideoSize}
            onResize={onVideoSize}
          />
          {overlay ? <GhostOverlay reference={overlay} mode={mode} opacity={opacity} /> : <FramingGuide />}
          {selfTimer.countdown !== undefined && (
            <div class="countdown" aria-live="assertive" data-testid="countdown">
              {selfTimer.countdown}
            </div>
          )}
        </div>
      </div>
      <div class="remote-status" aria-live="polite">
        {taking && <p>Taking the photo on the phone…</p>}
        {error && (
          <p class="notice stop" role="alert">
            {error}
          </p>
        )}
        {refused && (
          <p class="notice stop" role="alert" data-testid="remote-refused">
            This photo could not be used: {refused.message}
          </p>
        )}
        {last && arrived && (
          <p
            data-testid="remote-photo"
            data-sha256={arrived.sha256}
            data-received-sha256={last.photo.sha256}
            data-width={last.photo.width}
            data-height={last.photo.height}
          >
            Added to {angleName(arrived.angle)}: {last.photo.width} × {last.photo.height} px, arrived intact.{' '}
            {arrived.check.status === 'checking'
              ? 'Checking its quality…'
              : inAngle > 1
                ? `${inAngle} photos of this angle so far.`
                : ''}
          </p>
        )}
      </div>
      {overlay && <GhostControls opacity={opacity} mode={mode} onOpacity={setOpacity} onMode={setMode} />}
      <div class="camera-bar">
        <button type="button" onClick={props.onStop}>
          Stop
        </button>
        <button
          type="button"
          class="shutter"
          aria-label={timer ? `Take the photo in ${SELF_TIMER_SECONDS} seconds` : 'Take the photo'}
          disabled={taking || selfTimer.countdown !== undefined}
          onClick={() => (timer ? selfTimer.start() : void shoot())}
        />
        <div class="camera-options">
          <button type="button" aria-pressed={timer} onClick={() => setTimer(!timer)}>
            Timer: {timer ? `${SELF_TIMER_SECONDS} s` : 'off'}
          </button>
          <button type="button" onClick={props.onDone}>
            Done
          </button>
        </div>
      </div>
    </div>
  );
}
