import { useEffect, useRef, useState } from 'preact/hooks';
import { PairingCodeSchema } from '../../signaling/protocol.ts';
import { CameraLink, type CameraStatus } from '../remote-camera/camera-link.ts';
import { navigate } from '../state/router.ts';
import { cameraStartText, cameraStatusText } from '../text/remote-camera.ts';

/** The phone asks for the camera's best picture; the link to the viewer scales the video down as it must. */
const CAMERA_CONSTRAINTS: MediaStreamConstraints = {
  video: { facingMode: 'environment', width: { ideal: 3840 }, height: { ideal: 2160 } },
  audio: false,
};

/** The phone's page without a code: asks for the one the bigger screen shows. */
function CodeForm() {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  return (
    <main>
      <h1>Use this phone as camera</h1>
      <p class="muted">
        On the bigger screen, open BCD and choose “Use a phone as camera”. Scan its QR code, or type its code
        here.
      </p>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = PairingCodeSchema.safeParse(code);
          if (parsed.success) navigate({ name: 'camera', code: parsed.data });
          else setError('A code has 6 letters or digits, as the bigger screen shows it.');
        }}
      >
        <label for="pairing-code">Pairing code</label>
        <input
          id="pairing-code"
          autocomplete="off"
          autocapitalize="characters"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        {error && <p class="notice stop">{error}</p>}
        <button type="submit" class="primary wide">
          Connect
        </button>
      </form>
    </main>
  );
}

/**
 * The phone's side of "phone as camera" (the link of the QR code, `#/camera/<code>`): starts the camera, joins the
 * bigger screen and streams to it; the bigger screen takes the photos. A reload rejoins with the kept token.
 */
export function CameraScreen(props: { code?: string }) {
  const parsed = PairingCodeSchema.safeParse(props.code ?? '');
  if (!parsed.success) return <CodeForm />;
  return <CameraStream key={parsed.data} code={parsed.data} />;
}

function CameraStream(props: { code: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const link = useRef<CameraLink | undefined>(undefined);
  const [status, setStatus] = useState<CameraStatus>({ state: 'joining' });
  const [cameraError, setCameraError] = useState<string>();
  const [track, setTrack] = useState<{ width?: number; height?: number }>({});

  useEffect(() => {
    let stream: MediaStream | undefined;
    let stopped = false;
    navigator.mediaDevices
      .getUserMedia(CAMERA_CONSTRAINTS)
      .then((s) => {
        stream = s;
        if (stopped || !video.current) return s.getTracks().forEach((t) => t.stop());
        video.current.srcObject = s;
        const settings = s.getVideoTracks()[0]?.getSettings() ?? {};
        setTrack({ width: settings.width, height: settings.height });
        link.current = new CameraLink(props.code, s, video.current, setStatus);
        link.current.start();
      })
      .catch((err: unknown) => setCameraError(cameraStartText(err)));
    return () => {
      stopped = true;
      link.current?.stop();
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [props.code]);

  const ended = status.state === 'ended';
  useEffect(() => {
    // Once the link has ended the camera has nothing to serve: it is switched off, not left on.
    if (ended) (video.current?.srcObject as MediaStream | null)?.getTracks().forEach((t) => t.stop());
  }, [ended]);
  return (
    <div class="camera remote-phone" role="dialog" aria-modal="true" aria-labelledby="phone-title">
      <div class="camera-top">
        <h2 id="phone-title">BCD camera</h2>
        <p
          aria-live="polite"
          data-testid="camera-status"
          data-state={cameraError ? 'no_camera' : status.state}
          data-last-sha256={status.state === 'live' ? (status.lastSha256 ?? '') : ''}
          data-track-width={track.width}
          data-track-height={track.height}
        >
          {cameraError ?? cameraStatusText(status)}
        </p>
      </div>
      <div class="camera-view">
        <video ref={video} autoplay playsinline muted aria-label="What this camera sees" />
      </div>
      <div class="camera-bar">
        {ended || cameraError ? (
          <button type="button" onClick={() => navigate({ name: 'history' })}>
            Close
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              link.current?.stop();
              setStatus({ state: 'ended', message: 'Stopped. The bigger screen was told.' });
            }}
          >
            Stop
          </button>
        )}
        {track.width && track.height && (
          <span class="remote-phone-size">
            {track.width} × {track.height}
          </span>
        )}
      </div>
    </div>
  );
}
