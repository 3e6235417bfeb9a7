import { useEffect, useRef, useState } from 'preact/hooks';
import { DEFAULT_ANGLES } from '../../core/config.ts';
import { Notice } from '../components/notice.tsx';
import { PairingCard } from '../components/pairing-card.tsx';
import { RemoteLiveView } from '../components/remote-live-view.tsx';
import { ViewerLink, type ViewerStatus } from '../remote-camera/viewer-link.ts';
import { navigate } from '../state/router.ts';
import { angleName } from '../text/angles.ts';

const STATUS_TEXT: Partial<Record<ViewerStatus['state'], string>> = {
  opening: 'Making a pairing code…',
  connecting: 'The phone joined. Connecting to it…',
  camera_away: 'The phone dropped out. Waiting for it to come back (reloading its page is fine)…',
  reconnecting: 'The connection to the BCD server dropped. Trying again…',
};

/**
 * "Use a phone as camera", on the bigger screen: a pairing code and QR code for the phone; once it streams, its live
 * picture with the angle's last photo or the framing guide, and a shutter that takes the photo on the phone at full
 * resolution and puts it into the new session.
 */
export function RemoteCameraScreen(props: { angle?: string }) {
  const angle =
    props.angle && (DEFAULT_ANGLES as readonly string[]).includes(props.angle)
      ? props.angle
      : DEFAULT_ANGLES[0]!;
  const [status, setStatus] = useState<ViewerStatus>({ state: 'opening' });
  const link = useRef<ViewerLink | undefined>(undefined);

  useEffect(() => {
    const viewer = new ViewerLink(setStatus);
    link.current = viewer;
    viewer.start();
    return () => viewer.stop();
  }, []);

  if (status.state === 'live') {
    return (
      <RemoteLiveView
        stream={status.stream}
        angle={angle}
        onAngle={(next) => navigate({ name: 'remote-camera', angle: next })}
        takePhoto={() => link.current!.takePhoto()}
        onStop={() => {
          link.current?.stop();
          setStatus({ state: 'failed', message: 'Stopped. The phone was told.' });
        }}
        onDone={() => navigate({ name: 'new' })}
      />
    );
  }

  return (
    <main data-testid="remote-camera" data-state={status.state}>
      <h1>Use a phone as camera</h1>
      <p class="muted">
        Stand the phone where it sees you, and pose by its picture on this screen. Photos for{' '}
        {angleName(angle)} come to this screen’s new session; the video goes straight from the phone to this
        screen, never through a server.
      </p>
      {status.state === 'waiting' && (
        <PairingCard code={status.code} link={status.link} expiresAt={status.expiresAt} />
      )}
      {STATUS_TEXT[status.state] && (
        <p class="card" data-testid="remote-status">
          {STATUS_TEXT[status.state]}
        </p>
      )}
      {status.state === 'failed' && (
        <Notice kind="stop" testId="remote-failed">
          <p>{status.message}</p>
          <button type="button" class="primary" onClick={() => link.current?.start()}>
            New code
          </button>
        </Notice>
      )}
      <p>
        <a href="#/new">Back to the new session</a>
      </p>
    </main>
  );
}
