import type { RelayMessage } from '../../signaling/protocol.ts';
import { CHANNEL } from './channel-protocol.ts';

/**
 * No STUN or TURN server: the phone and the screen talk over the local network (or loopback) with host candidates
 * only, so no address is ever sent to a third party and BCD needs no service on the internet.
 */
export const RTC_CONFIGURATION: RTCConfiguration = { iceServers: [] };

/** What a peer link reports. */
export interface PeerEvents {
  /** Offer, answer or candidate to pass to the other side through the relay. */
  signal(message: RelayMessage): void;
  /** The other side's video arrived (viewer). */
  onStream?(stream: MediaStream): void;
  /** `RTCPeerConnection.connectionState` changed. */
  onState(state: RTCPeerConnectionState): void;
  /** A message on the photo channel. */
  onChannelMessage(data: unknown): void;
}

/**
 * One WebRTC connection between camera and viewer: the camera's video track and the negotiated photo data channel
 * (ordered, `arraybuffer`). The camera makes the offer; candidates that arrive before the remote description are
 * kept until it is set. A new connection (after a reload on either side) means a new PeerLink.
 */
export class PeerLink {
  readonly connection = new RTCPeerConnection(RTC_CONFIGURATION);
  readonly channel: RTCDataChannel;
  private readonly early: RTCIceCandidateInit[] = [];
  private remoteSet = false;

  constructor(private readonly events: PeerEvents) {
    this.channel = this.connection.createDataChannel(CHANNEL.label, {
      negotiated: true,
      id: CHANNEL.id,
      ordered: true,
    });
    this.channel.binaryType = 'arraybuffer';
    this.channel.addEventListener('message', (event) => events.onChannelMessage(event.data));
    this.connection.addEventListener('icecandidate', (event) => {
      const found = event.candidate;
      if (!found) return;
      events.signal({
        type: 'candidate',
        candidate: {
          candidate: found.candidate,
          sdpMid: found.sdpMid,
          sdpMLineIndex: found.sdpMLineIndex,
          usernameFragment: found.usernameFragment,
        },
      });
    });
    this.connection.addEventListener('connectionstatechange', () =>
      events.onState(this.connection.connectionState),
    );
    this.connection.addEventListener('track', (event) => {
      const stream = event.streams[0] ?? new MediaStream([event.track]);
      events.onStream?.(stream);
    });
  }

  /** Camera: sends `stream`'s video and makes the offer. */
  async offer(stream: MediaStream): Promise<void> {
    for (const track of stream.getVideoTracks()) this.connection.addTrack(track, stream);
    await this.connection.setLocalDescription(await this.connection.createOffer());
    this.events.signal({ type: 'offer', sdp: this.connection.localDescription!.sdp });
  }

  /** Handles a relayed message: an offer is answered (viewer), an answer or candidate applied. */
  async handle(message: RelayMessage): Promise<void> {
    if (message.type === 'offer') {
      await this.connection.setRemoteDescription({ type: 'offer', sdp: message.sdp });
      await this.remoteReady();
      await this.connection.setLocalDescription(await this.connection.createAnswer());
      this.events.signal({ type: 'answer', sdp: this.connection.localDescription!.sdp });
    } else if (message.type === 'answer') {
      await this.connection.setRemoteDescription({ type: 'answer', sdp: message.sdp });
      await this.remoteReady();
    } else if (this.remoteSet) {
      await this.connection.addIceCandidate(message.candidate);
    } else {
      this.early.push(message.candidate);
    }
  }

  /** Ends the connection and its channel. */
  close(): void {
    this.channel.close();
    this.connection.close();
  }

  private async remoteReady(): Promise<void> {
    this.remoteSet = true;
    for (const candidate of this.early.splice(0)) await this.connection.addIceCandidate(candidate);
  }
}
