import QRCode from 'qrcode';
import { useEffect, useRef } from 'preact/hooks';

/** Size of the drawn QR code, CSS px: big enough for a phone camera at arm's length. */
const QR_PX = 200;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `ABC DEF`: a code read in two halves is copied right more often. */
function spaced(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/**
 * The pairing code of a "phone as camera" room: a QR code of the camera link (drawn on a canvas by `qrcode`, no
 * network), the link itself and the code in large letters, with when it stops working. On a page opened through
 * loopback it says the phone cannot reach that address.
 */
export function PairingCard(props: { code: string; link: string; expiresAt: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (canvas.current) {
      void QRCode.toCanvas(canvas.current, props.link, {
        width: QR_PX,
        margin: 2,
        errorCorrectionLevel: 'M',
      });
    }
  }, [props.link]);
  const until = new Date(props.expiresAt).toLocaleTimeString(undefined, {
    hour: 'numeric',
    minute: '2-digit',
  });
  return (
    <div class="card pairing" data-testid="pairing" data-code={props.code} data-link={props.link}>
      <canvas
        ref={canvas}
        width={QR_PX}
        height={QR_PX}
        role="img"
        aria-label="QR code of the link for the phone"
      />
      <div>
        <p>On the phone, scan this code with the camera, or open:</p>
        <p class="pairing-link">{props.link}</p>
        <p>
          Pairing code <strong class="pairing-code">{spaced(props.code)}</strong>
        </p>
        <p class="muted">It works once, until {until}.</p>
      </div>
      {LOOPBACK.has(location.hostname) && (
        <p class="notice hint pairing-note" data-testid="loopback-note">
          This screen opened BCD at {location.host}, which only this computer can reach. For a phone, start
          BCD with “npm start -- --https” and open the network address it prints here as well.
        </p>
      )}
    </div>
  );
}
