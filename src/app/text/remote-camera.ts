import { CLOSE } from '../../signaling/protocol.ts';
import type { CameraStatus } from '../remote-camera/camera-link.ts';

/** When the two devices have no path to each other: what to check, in plain words, as each side says it. */
export function cannotConnectText(role: 'viewer' | 'camera'): string {
  const pair = role === 'viewer' ? 'This screen and the phone' : 'This phone and the bigger screen';
  return (
    `${pair} cannot reach each other. Both need to be on the same Wi-Fi network; some networks (guest or public ` +
    'Wi-Fi) keep devices apart. Try again, or take the photos on the phone itself.'
  );
}

/** Why the relay ended a connection, for the person (by the relay's close code; see `CLOSE`). */
export function closeText(code: number, role: 'viewer' | 'camera'): string {
  const newCode =
    role === 'camera' ? 'Make a new code on the bigger screen and open its link again.' : 'Make a new code.';
  switch (code) {
    case CLOSE.roomClosed:
      return role === 'camera'
        ? 'The bigger screen closed the link. You can close this page.'
        : 'The phone closed the link.';
    case CLOSE.unknownCode:
      return `This code is not valid (any more): a code works once, for a few minutes. ${newCode}`;
    case CLOSE.roomFull:
      return `This code was used already by another phone. ${newCode}`;
    case CLOSE.unknownToken:
      return `The link to the other device has ended. ${newCode}`;
    case CLOSE.replaced:
      return 'This camera was opened again on the same phone; that page carries on.';
    case CLOSE.rateLimited:
      return 'Too many tries in a short time. Wait a minute, then try again.';
    case CLOSE.busy:
      return 'The BCD server is busy. Try again in a few minutes.';
    default:
      return 'The BCD server could not be reached. Check that BCD is still running on the computer, then try again.';
  }
}

/** Why the phone's camera did not start, for the camera page. */
export function cameraStartText(err: unknown): string {
  if (!window.isSecureContext) {
    return 'This page is not secure, so the browser does not let it use the camera. Open the link through https:// (start BCD with “npm start -- --https”).';
  }
  const name = (err as { name?: string } | null)?.name;
  if (name === 'NotAllowedError') {
    return 'BCD was not allowed to use the camera. Allow it in the browser settings, then reload this page.';
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No camera was found on this device.';
  return 'The camera could not be started. Close other apps that use it, then reload this page.';
}

/** What the phone says while it serves as the camera. */
export function cameraStatusText(status: CameraStatus): string {
  switch (status.state) {
    case 'joining':
      return 'Joining the bigger screen…';
    case 'waiting':
      return 'Waiting for the bigger screen to come back…';
    case 'connecting':
      return 'Connecting to the bigger screen…';
    case 'live':
      return status.photosSent === 0
        ? 'Connected. The bigger screen shows this camera and takes the photos; leave the phone where it stands.'
        : `Connected. ${status.photosSent} photo${status.photosSent === 1 ? '' : 's'} sent to the bigger screen.`;
    case 'reconnecting':
      return 'The connection dropped. Trying again…';
    case 'ended':
      return status.message;
  }
}
