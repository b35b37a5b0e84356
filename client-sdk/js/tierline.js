// Tierline JavaScript SDK: speaks the Tierline wire protocol (v1) over one WebSocket, from a browser
// or Node 20+. Same behaviour as the Java SDK in ../src/main/java/dev/tierline/client.
// Protocol reference: ../../protocol/README.md

export const DEFAULT_OPTIONS = Object.freeze({
  connectTimeout: 10_000,
  requestTimeout: 30_000,
  maxQueued: 1000,
  reconnect: Object.freeze({ initialDelay: 200, maxDelay: 10_000, multiplier: 2, maxAttempts: 20 }),
});

/** The command an error is about and the client that sent it, for `TierlineClient.retry`. */
const sentBy = new WeakMap();

/** A refused or undeliverable command. `code` is the protocol's error code (`forbidden`, `unavailable`, …). */
export class TierlineError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'TierlineError';
    this.code = code;
  }

  /** Whether this is about a command that `TierlineClient.retry` can send again. */
  get retryable() {
    return sentBy.has(this);
  }
}

/** Exponential backoff with full jitter: uniform between 0 and the capped ceiling. `attempt` is 1-based. */
export function backoffDelay(policy, attempt, random = Math.random) {
  const ceiling = Math.min(policy.maxDelay, policy.initialDelay * policy.multiplier ** (attempt - 1));
  return random() * ceiling;
}

class Emitter {
  #listeners = new Map();

  /** Adds a listener; returns a function that removes it. */
  on(type, fn) {
    if (typeof fn !== 'function') throw new TypeError('listener must be a function');
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(fn);
    return () => this.off(type, fn);
  }

  off(type, fn) {
    this.#listeners.get(type)?.delete(fn);
  }

  _emit(type, ...args) {
    for (const fn of [...(this.#listeners.get(type) ?? [])]) {
      try {
        fn(...args);
      } catch (err) {
        // A throwing listener must not break the client's bookkeeping: report it like EventTarget does.
        queueMicrotask(() => { throw err; });
      }
    }
  }
}

/** A joined session. Commands resolve with the server's ack (`{type:'ack', re, seq?, body}`). */
export class TierlineSession extends Emitter {
  #client;
  #track;

  constructor(client, track) {
    super();
    this.#client = client;
    this.#track = track;
  }

  get id() { return this.#track.id; }
  /** This client's participant id (from the welcome). */
  get participantId() { return this.#client.welcome?.you?.id ?? null; }
  /** The seq of the last recorded event seen; a resume starts after it. */
  get lastSeq() { return this.#track.lastSeq; }
  /** The body of the latest `session.snapshot`. */
  get snapshot() { return this.#track.snapshot; }

  send(type, body = {}) { return this.#client.send(this.id, type, body); }

  chat(text) { return this.send('chat.send', { text, audience: 'all' }); }
  /** A message only technicians receive. */
  chatTechnicians(text) { return this.send('chat.send', { text, audience: 'technicians' }); }
  /** Resolves with `{invite, token, expiresAt}`. */
  invite({ tier, invitee, ttlSeconds, allowControl, windowSeconds, technicianChat }) {
    return this.send('invite.create', { tier, invitee, ttlSeconds, allowControl, windowSeconds, technicianChat })
      .then((ack) => ack.body);
  }
  revokeInvite(inviteId) { return this.send('invite.revoke', { invite: inviteId }); }
  transferOwner(to, reason) { return this.send('owner.transfer', { to, reason }); }
  requestControl() { return this.send('control.request'); }
  withdrawControlRequest() { return this.send('control.withdraw'); }
  grantControl(to) { return this.send('control.grant', { to }); }
  denyControl(to) { return this.send('control.deny', { to }); }
  handoffControl(to) { return this.send('control.handoff', { to }); }
  releaseControl() { return this.send('control.release'); }
  revokeControl() { return this.send('control.revoke'); }
  startShare({ stream, displays, codec, maxFps }) {
    return this.send('screen.share.start', { stream, displays, codec, maxFps });
  }
  updateShare({ stream, displays, codec, maxFps }) {
    return this.send('screen.share.update', { stream, displays, codec, maxFps });
  }
  stopShare() { return this.send('screen.share.stop'); }
  signal(to, kind, payload) { return this.send('screen.signal', { to, kind, payload }); }
  pointer(display, x, y) { return this.send('screen.pointer', { display, x, y }); }
  addNote(text) { return this.send('note.add', { text }); }
  end(outcome, resolution) { return this.send('session.end', { outcome, resolution }); }
  leave() { return this.send('session.leave'); }
}

/**
 * One connection to a Tierline server that reconnects by itself and resumes every joined session,
 * so listeners see each recorded event once, in seq order.
 */
export class TierlineClient extends Emitter {
  #opts;
  #WebSocket;
  #socket = null;
  #state = 'connecting';
  #started = false;
  #finished = false;
  #authenticated = false;
  #welcome = null;
  #attempts = 0;
  #connectTimer;
  #retryTimer;
  // Random per client: the server remembers replies per participant and command id, so two clients
  // of one identity (two tabs, a reloaded page) must never reuse each other's ids.
  #idPrefix = `c-${Math.random().toString(36).slice(2, 10)}-`;
  #nextId = 0;
  /** Commands not yet answered, in the order they were issued. */
  #pending = new Map();
  /** Joined sessions by id: `{id, lastSeq, snapshot, resuming, ready, handle}`. */
  #sessions = new Map();
  #inbox = [];
  #paused = false;
  #connected;
  #closed;

  /**
   * @param {object} options `url`, `token` or `sessionKey` (+ `name`), optional `WebSocket`,
   *   `connectTimeout`, `requestTimeout`, `maxQueued`, `reconnect: {initialDelay, maxDelay, multiplier, maxAttempts}`
   */
  constructor(options) {
    super();
    const opts = { ...DEFAULT_OPTIONS, ...defined(options) };
    opts.reconnect = { ...DEFAULT_OPTIONS.reconnect, ...defined(options?.reconnect) };
    if (typeof opts.url !== 'string' || !/^wss?:\/\//.test(opts.url)) {
      throw new TypeError(`url must be ws:// or wss://, was ${opts.url}`);
    }
    if (!opts.token === !opts.sessionKey) throw new TypeError('give exactly one of token and sessionKey');
    const { initialDelay, maxDelay, multiplier, maxAttempts } = opts.reconnect;
    if (!(opts.connectTimeout > 0 && opts.requestTimeout > 0 && opts.maxQueued >= 1)) {
      throw new RangeError('connectTimeout, requestTimeout and maxQueued must be positive');
    }
    if (!(initialDelay >= 0 && maxDelay >= initialDelay && multiplier >= 1 && maxAttempts >= 0)) {
      throw new RangeError('reconnect needs 0 <= initialDelay <= maxDelay, multiplier >= 1, maxAttempts >= 0');
    }
    this.#WebSocket = opts.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('no global WebSocket: pass options.WebSocket (e.g. the "ws" package on Node 20)');
    }
    this.#opts = opts;
    this.#connected = deferred();
    this.#connected.promise.catch(() => {}); // rejected on close even when connect() was never called
    this.#closed = deferred();
  }

  /** `connecting`, `connected`, `reconnecting` or `closed`. */
  get state() { return this.#state; }
  /** The welcome body `{you, server, limits}` of the current or last connection. */
  get welcome() { return this.#welcome; }

  /** Opens the connection and says hello; resolves with the welcome body. */
  connect() {
    if (!this.#started && !this.#finished) {
      this.#started = true;
      this._emit('state', 'connecting', null);
      this.#open();
    }
    return this.#connected.promise;
  }

  /** Any command; resolves with the ack, rejects with a TierlineError. */
  send(session, type, body = {}) {
    return this.#submit(session, type, body);
  }

  /** A technician opens a session; resolves with `{session, ticket, key}` (the key is for the end user). */
  createSession(ticket, title, consent) {
    return this.#submit(null, 'session.create', { ticket, title, consent }).then((ack) => ack.body);
  }

  /** An end user (with a token) asks for help; resolves with `{session, ticket}`. */
  openRequest(topic, summary, ticket) {
    return this.#submit(null, 'request.open', { topic, summary, ticket }).then((ack) => ack.body);
  }

  /** The requests waiting in a topic's queue (every topic when absent). */
  queue(topic) {
    return this.#submit(null, 'queue.list', { topic }).then((ack) => ack.body.requests);
  }

  /** Takes a waiting request; resolves with the session once its snapshot arrived. */
  accept(session) {
    return this.#enter(this.#message(session, 'session.accept', {}));
  }

  /**
   * Joins with an invitation token, with this client's session key, or with neither when already in
   * the session. Resolves with the session once its snapshot arrived.
   */
  join(session, invite) {
    return this.#enter(this.#message(session, 'session.join', { invite, key: this.#opts.sessionKey }));
  }

  /**
   * Sends the command a TierlineError is about once more, with the same id: the safe answer to
   * `unavailable`. The server applies a command id once, and answers a retry of one it applied
   * (even one whose commit failed in name only, answered `unavailable`) with the reply it had.
   * A join or accept resolves with the session again; anything else with the ack.
   */
  retry(error) {
    const sent = error instanceof TierlineError ? sentBy.get(error) : undefined;
    if (!sent || sent.client !== this) throw new TypeError(`not about a command of this client: ${error?.message}`);
    if (this.#pending.has(sent.msg.id)) return Promise.reject(new Error(`command ${sent.msg.id} is being sent already`));
    if (sent.msg.type === 'session.join' || sent.msg.type === 'session.accept') return this.#enter(sent.msg);
    return this.#submitMessage(sent.msg);
  }

  /** The handle of a joined session, or null. */
  session(id) {
    return this.#sessions.get(id)?.handle ?? null;
  }

  /** Closes for good: nothing is resumed and whatever waits is rejected with `unavailable`. */
  close() {
    this.#finish('closed by the application');
    return this.#closed.promise;
  }

  /** The current WebSocket, for tests that need to break it. */
  _socketForTests() {
    return this.#socket;
  }

  // ---------------------------------------------------------------- commands

  #id() {
    return this.#idPrefix + ++this.#nextId;
  }

  #message(session, type, body) {
    return { v: 1, id: this.#id(), type, ...(session ? { session } : {}), body };
  }

  #submit(session, type, body) {
    return this.#submitMessage(this.#message(session, type, body));
  }

  #submitMessage(msg, extra = {}) {
    return new Promise((resolve, reject) => {
      const fail = (code, message) => reject(this.#refusal(code, message, msg));
      if (this.#finished) return fail('unavailable', 'the client is closed');
      if (!this.#authenticated && this.#pending.size >= this.#opts.maxQueued) {
        return fail('unavailable', `not connected and ${this.#opts.maxQueued} commands are already waiting`);
      }
      const p = { msg, resolve, reject, fail, sent: false, ...extra };
      const ms = this.#opts.requestTimeout;
      p.timer = setTimeout(() => {
        if (this.#pending.delete(msg.id)) fail('unavailable', `no reply within ${ms} ms`);
      }, ms);
      this.#pending.set(msg.id, p);
      if (this.#authenticated) this.#write(p);
    });
  }

  /** An error about one of this client's commands, which `retry` can send again. */
  #refusal(code, message, msg) {
    const error = new TierlineError(code, message);
    sentBy.set(error, { client: this, msg });
    return error;
  }

  /** join/accept: resolves once the snapshot is in, so the handle is ready when the app gets it. */
  #enter(msg) {
    return new Promise((resolve, reject) => {
      this.#submitMessage(msg, { ready: { resolve, reject } }).catch(reject);
    });
  }


  #write(p) {
    try {
      this.#socket.send(JSON.stringify(p.msg));
      p.sent = true;
    } catch {
      // the socket is closing: its close event re-queues the command
    }
  }

  // ---------------------------------------------------------------- connection life

  #open() {
    const ws = new this.#WebSocket(this.#opts.url);
    this.#socket = ws;
    // Bounds both the handshake and the wait for the welcome.
    this.#connectTimer = setTimeout(() => ws.close(), this.#opts.connectTimeout);
    ws.addEventListener('open', () => {
      if (this.#socket === ws) this.#hello();
    });
    ws.addEventListener('message', (e) => {
      if (this.#socket !== ws) return;
      this.#inbox.push(typeof e.data === 'string' ? e.data : String(e.data));
      this.#drain();
    });
    ws.addEventListener('error', () => {}); // a close event follows
    ws.addEventListener('close', (e) => this.#lost(ws, e.code, e.reason));
  }

  #hello() {
    const { token, sessionKey, name } = this.#opts;
    const body = token ? { token } : { key: sessionKey, name };
    const p = {
      msg: this.#message(null, 'hello', body),
      resolve: (reply) => this.#welcomed(reply),
      reject: (err) => {
        if (err.code === 'unauthenticated') this.#finish(err.message, err); // same credentials fail again
        else this.#socket?.close();
      },
    };
    this.#pending.set(p.msg.id, p);
    this.#write(p);
  }

  /** Authenticated: resume every joined session, then send what waited, in order. */
  #welcomed(reply) {
    clearTimeout(this.#connectTimer);
    this.#authenticated = true;
    this.#attempts = 0;
    this.#welcome = reply.body;
    for (const track of this.#sessions.values()) {
      track.resuming = true;
      const p = {
        msg: this.#message(track.id, 'session.join', { resumeFrom: track.lastSeq }),
        resume: true,
        resolve() {},
        // Refused: the session ended, or we stayed away past the grace period. A lost connection
        // is no answer: the next reconnect resumes again.
        reject: (err) => { if (err.code !== 'unavailable') this.#sessions.delete(track.id); },
      };
      this.#pending.set(p.msg.id, p);
      this.#write(p);
    }
    for (const p of this.#pending.values()) {
      if (!p.sent) this.#write(p); // queued while away, or in flight at the drop: same id, applied at most once
    }
    this.#setState('connected', null);
    this.#connected.resolve(reply.body);
  }

  #lost(ws, code, reason) {
    if (ws !== this.#socket) return; // an older connection's late news, or closed by finish()
    clearTimeout(this.#connectTimer);
    this.#socket = null;
    this.#authenticated = false;
    for (const [id, p] of this.#pending) {
      if (p.msg.type === 'hello' || p.resume) {
        this.#pending.delete(id);
        p.reject(new TierlineError('unavailable', 'connection lost'));
      } else {
        p.sent = false;
      }
    }
    const why = `closed ${code}${reason ? `: ${reason}` : ''}`;
    if (reason?.startsWith('unauthenticated')) return this.#finish(reason, new TierlineError('unauthenticated', reason));
    const { maxAttempts } = this.#opts.reconnect;
    if (++this.#attempts > maxAttempts) {
      return this.#finish(`gave up after ${maxAttempts} reconnect attempts (${why})`);
    }
    this.#setState('reconnecting', why);
    this.#retryTimer = setTimeout(() => this.#open(), backoffDelay(this.#opts.reconnect, this.#attempts));
  }

  /** Final: fail whatever waits, tell the app. */
  #finish(reason, error) {
    if (this.#finished) return;
    this.#finished = true;
    clearTimeout(this.#connectTimer);
    clearTimeout(this.#retryTimer);
    const unavailable = new TierlineError('unavailable', reason);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      if (p.fail) p.fail('unavailable', reason);
      else if (p.msg.type !== 'hello') p.reject(unavailable);
    }
    this.#pending.clear();
    for (const track of this.#sessions.values()) {
      if (track.ready) {
        clearTimeout(track.ready.timer);
        track.ready.reject(unavailable);
      }
    }
    const ws = this.#socket;
    this.#socket = null;
    this.#authenticated = false;
    ws?.close(1000, 'client closing');
    this.#connected.reject(error ?? unavailable);
    this.#setState('closed', reason);
    this.#closed.resolve();
  }

  #setState(next, reason) {
    if (this.#state === next) return;
    this.#state = next;
    this._emit('state', next, reason);
  }

  // ---------------------------------------------------------------- receiving

  #drain() {
    while (this.#inbox.length > 0 && !this.#paused) this.#received(this.#inbox.shift());
  }

  #received(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (msg.type === 'ack' || msg.type === 'welcome' || msg.type === 'error') this.#reply(msg);
    else if (msg.session) this.#event(msg);
  }

  #reply(msg) {
    const p = msg.re == null ? undefined : this.#pending.get(msg.re);
    if (!p) return;
    this.#pending.delete(msg.re);
    clearTimeout(p.timer);
    if (msg.type === 'error') return p.fail ? p.fail(msg.code, msg.message) : p.reject(new TierlineError(msg.code, msg.message));
    const { type, session } = p.msg;
    if (type === 'session.create' || type === 'request.open') {
      this.#track(msg.body.session);
    } else if (p.ready) { // join or accept: now wait for the snapshot
      const track = this.#track(session);
      track.resuming = false;
      track.ready = p.ready;
      const ms = this.#opts.requestTimeout;
      track.ready.timer = setTimeout(() => {
        if (track.ready === p.ready) track.ready = null;
        p.ready.reject(new TierlineError('unavailable', `no session.snapshot within ${ms} ms`));
      }, ms);
    } else if (type === 'session.leave') {
      this.#sessions.delete(session);
    }
    p.resolve(msg);
  }

  #track(id) {
    let track = this.#sessions.get(id);
    if (!track) {
      track = { id, lastSeq: 0, snapshot: null, resuming: false, ready: null };
      track.handle = new TierlineSession(this, track);
      this.#sessions.set(id, track);
    }
    return track;
  }

  #event(ev) {
    const track = this.#sessions.get(ev.session);
    if (!track) return;
    let ready = null;
    if (ev.type === 'session.snapshot') {
      track.snapshot = ev.body;
      // A first join starts from the snapshot; a resume replays what follows lastSeq, so keep it.
      if (!track.resuming) track.lastSeq = Math.max(track.lastSeq, ev.seq ?? 0);
      track.resuming = false;
      ready = track.ready;
      track.ready = null;
    } else if (ev.seq != null) {
      if (ev.seq <= track.lastSeq) return; // seen before the drop
      track.lastSeq = ev.seq;
    }
    if (ev.type === 'session.ended') this.#sessions.delete(ev.session);
    track.handle._emit(ev.type, ev);
    track.handle._emit('event', ev);
    this._emit('event', ev);
    if (ready) {
      clearTimeout(ready.timer);
      ready.resolve(track.handle);
      // Hold later frames for one macrotask so code after `await join()` can add listeners first.
      this.#paused = true;
      setTimeout(() => {
        this.#paused = false;
        this.#drain();
      }, 0);
    }
  }
}

/** The entries of an options object that are not undefined, so they do not hide the defaults. */
function defined(obj) {
  return Object.fromEntries(Object.entries(obj ?? {}).filter(([, v]) => v !== undefined));
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
