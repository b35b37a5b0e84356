// Screen sharing. The relay carries the share's metadata (screen.share.start/update/stop, recorded)
// and the WebRTC signalling between two participants (screen.signal, never recorded). The picture
// itself, when the end user chooses to send one, goes peer to peer over WebRTC.
//
// Signals (kind → payload):
//   view.request      technician → user   {stream}       "send me the picture"
//   view.unavailable  user → technician   {reason}       metadata only, no picture
//   offer / answer    both ways           {sdp, type}
//   candidate         both ways           RTCIceCandidateInit

/** The displays of this device as the protocol describes them. */
export function localDisplays() {
  return [{ id: 'd1', width: screen.width, height: screen.height, scale: window.devicePixelRatio || 1, primary: true }];
}

/** The end user's side: answers view requests with an offer when there is a picture to send. */
export class Sharer {
  #handle;
  #stream = null;
  #peers = new Map();
  #stop;

  constructor(handle) {
    this.#handle = handle;
    this.#stop = handle.on('screen.signal', (ev) => this.#signal(ev).catch((err) => console.warn('screen signal', err)));
  }

  get picture() { return this.#stream !== null; }

  /** Asks the browser for a screen; false when the user cancels or the browser cannot. */
  async capture(onEnded) {
    if (!navigator.mediaDevices?.getDisplayMedia) return false;
    try {
      this.#stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return false;
    }
    this.#stream.getVideoTracks()[0]?.addEventListener('ended', onEnded);
    return true;
  }

  release() {
    for (const pc of this.#peers.values()) pc.close();
    this.#peers.clear();
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = null;
  }

  dispose() {
    this.release();
    this.#stop();
  }

  async #signal(ev) {
    const { from, kind, payload } = ev.body;
    if (kind === 'view.request') {
      if (!this.#stream) {
        await this.#handle.signal(from, 'view.unavailable', { reason: 'the user shares screen details only, no picture' });
        return;
      }
      this.#peers.get(from)?.close();
      const pc = peer(this.#handle, from);
      this.#peers.set(from, pc);
      for (const track of this.#stream.getTracks()) pc.addTrack(track, this.#stream);
      await pc.setLocalDescription(await pc.createOffer());
      await this.#handle.signal(from, 'offer', { type: 'offer', sdp: pc.localDescription.sdp });
    } else if (kind === 'answer') {
      await this.#peers.get(from)?.setRemoteDescription(payload);
    } else if (kind === 'candidate') {
      await this.#peers.get(from)?.addIceCandidate(payload);
    }
  }
}

/** A technician's side: asks for the picture and shows it in `video`; `status(text)` reports. */
export class Viewer {
  #handle;
  #video;
  #status;
  #pc = null;
  #stop;

  constructor(handle, video, status) {
    this.#handle = handle;
    this.#video = video;
    this.#status = status;
    this.#stop = handle.on('screen.signal', (ev) => this.#signal(ev).catch((err) => status(`No picture: ${err.message}`)));
  }

  async request(userId, stream) {
    this.#status('Asking the user\'s console for the picture…');
    await this.#handle.signal(userId, 'view.request', { stream });
  }

  close() {
    this.#pc?.close();
    this.#pc = null;
    this.#video.srcObject = null;
    this.#video.hidden = true;
  }

  dispose() {
    this.close();
    this.#stop();
  }

  async #signal(ev) {
    const { from, kind, payload } = ev.body;
    if (kind === 'view.unavailable') {
      this.#status(`Answer from the user's console: ${payload?.reason ?? 'no picture'}.`);
    } else if (kind === 'offer') {
      this.close();
      const pc = peer(this.#handle, from);
      this.#pc = pc;
      pc.addEventListener('track', (e) => {
        this.#video.srcObject = e.streams[0];
        this.#video.hidden = false;
        this.#status('Showing the user\'s screen.');
      });
      await pc.setRemoteDescription(payload);
      await pc.setLocalDescription(await pc.createAnswer());
      await this.#handle.signal(from, 'answer', { type: 'answer', sdp: pc.localDescription.sdp });
    } else if (kind === 'candidate') {
      await this.#pc?.addIceCandidate(payload);
    }
  }
}

function peer(handle, to) {
  // No STUN/TURN servers: the relay is no media server, and peers on one network reach each other directly.
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addEventListener('icecandidate', (e) => {
    if (e.candidate) handle.signal(to, 'candidate', e.candidate.toJSON()).catch(() => {});
  });
  return pc;
}
