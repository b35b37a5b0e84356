// Types of the Tierline JavaScript SDK (tierline.js). Wire shapes follow ../../protocol/README.md.

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';
export type ErrorCode =
  | 'bad_request' | 'unknown_type' | 'unsupported_version' | 'unauthenticated' | 'forbidden' | 'not_found'
  | 'conflict' | 'expired' | 'too_large' | 'rate_limited' | 'unavailable' | 'internal';
export type Tier = 'L1' | 'L2' | 'L3' | 'L4';
export type Role = 'end_user' | 'technician' | 'auditor' | 'system';
export type Consent = 'each-time' | 'once-per-technician';
export type Outcome = 'resolved' | 'unresolved' | 'escalated' | 'abandoned';

export interface Actor { id: string; name: string; role: Role; tier?: Tier }

export interface Participant extends Actor {
  presence: 'connected' | 'disconnected';
  joinedAt?: string;
  allowControl: boolean;
  /** L4 only: when the access window ends. */
  accessUntil?: string;
}

export interface Display { id: string; width: number; height: number; scale?: number; primary?: boolean }
export interface Share { stream: string; displays: Display[]; codec?: string; maxFps?: number }

export interface InviteCreatedBody {
  invite: string; tier: Tier; invitee?: string; expiresAt: string; allowControl: boolean; technicianChat: boolean;
}

export interface Snapshot {
  ticket: string; title?: string; topic?: string; state: string; consent: Consent; owner?: string;
  participants: Participant[];
  controller?: string;
  controlRequests: string[];
  pendingHandoff?: { from: string; to: string };
  share?: Share;
  /** Technicians only. */
  invites?: InviteCreatedBody[];
  seq: number;
}

/** Event bodies by event type. */
export interface EventBodies {
  'session.snapshot': Snapshot;
  'session.opened': { ticket: string; title?: string; topic?: string; summary?: string; state: 'waiting' | 'active'; consent: Consent };
  'session.accepted': { owner: string; ownerTier: Tier };
  'session.requeued': { topic: string; reason: string };
  'session.ended': { outcome: Outcome | 'interrupted'; resolution?: string; reason: string };
  'participant.joined': { participant: Participant; via: string; invite?: string };
  'participant.left': { participant: string; reason: string };
  'participant.disconnected': { participant: string };
  'participant.reconnected': { participant: string };
  'chat.message': { text: string; redacted?: number };
  'invite.created': InviteCreatedBody;
  'invite.revoked': { invite: string };
  'owner.transferred': { from: string; fromTier: Tier; to: string; toTier: Tier; reason: string };
  'control.requested': { by: string };
  'control.withdrawn': { by: string };
  'control.granted': { to: string; from?: string; consent: 'user' | 'policy' };
  'control.denied': { to: string };
  'control.handoff.requested': { from: string; to: string };
  'control.released': { from: string; reason: string };
  'control.revoked': { from: string };
  'screen.share.started': Share;
  'screen.share.updated': Share;
  'screen.share.stopped': { stream: string };
  'screen.signal': { from: string; kind: string; payload: unknown };
  'screen.pointer': { from: string; display: string; x: number; y: number };
  'note.added': { text: string; redacted?: number };
  'recording.status': { status: 'ok' | 'impaired'; detail?: string };
}
export type EventType = keyof EventBodies;

export interface TierlineEvent<T extends EventType = EventType> {
  v: 1;
  type: T;
  session: string;
  /** Absent on ephemeral events (screen.signal, screen.pointer, recording.status). */
  seq?: number;
  ts: string;
  actor: Actor;
  /** `all`, `technicians`, or one participant id. */
  audience: string;
  body: EventBodies[T];
}
/** Any event, discriminated by `type`. */
export type AnyEvent = { [T in EventType]: TierlineEvent<T> }[EventType];

export interface Ack<B = Record<string, unknown>> {
  v: 1;
  type: 'ack';
  re: string;
  /** The first recorded event the command caused, if any. */
  seq?: number;
  body: B;
}

export interface Welcome {
  you: Actor;
  server: { name: string; version: string; protocol: number };
  limits: { maxFrameBytes: number; maxParticipants: number; messagesPerSecond: number };
}
export interface SessionOpened { session: string; ticket: string; /** session.create only: for the end user. */ key?: string }
export interface InviteIssued { invite: string; token: string; expiresAt: string }
export interface QueuedRequest { session: string; ticket: string; topic: string; summary: string; user: string; waitingSince: string }
export interface InviteOptions {
  tier: Tier; ttlSeconds: number; invitee?: string; allowControl?: boolean;
  /** Required for L4. */
  windowSeconds?: number;
  technicianChat?: boolean;
}

export interface ReconnectPolicy {
  /** Ceiling of the first delay, ms (default 200). */
  initialDelay?: number;
  /** The ceiling never grows past this, ms (default 10000). */
  maxDelay?: number;
  /** Growth of the ceiling per attempt (default 2). */
  multiplier?: number;
  /** Failed attempts in a row before giving up; 0 never reconnects (default 20). */
  maxAttempts?: number;
}

/** The constructor shape the SDK needs: the browser's WebSocket, Node 22's, or the `ws` package's. */
export type WebSocketConstructor = new (url: string) => {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
};

interface Common {
  /** `ws://host:port/ws` or `wss://…` */
  url: string;
  /** Defaults to `globalThis.WebSocket`; required on Node 20. */
  WebSocket?: WebSocketConstructor;
  /** Handshake plus welcome, ms (default 10000). */
  connectTimeout?: number;
  /** A command without reply by then rejects with `unavailable`, ms (default 30000). */
  requestTimeout?: number;
  /** Commands held while disconnected (default 1000). */
  maxQueued?: number;
  reconnect?: ReconnectPolicy;
}
export type ClientOptions =
  | (Common & { token: string; sessionKey?: undefined; name?: undefined })
  | (Common & { sessionKey: string; name?: string; token?: undefined });

export const DEFAULT_OPTIONS: Readonly<Required<Omit<Common, 'url' | 'WebSocket'>>>;

export class TierlineError extends Error {
  constructor(code: ErrorCode, message: string);
  readonly name: 'TierlineError';
  /** The protocol's error code; `unavailable` also means no reply in time, or the client closed. */
  readonly code: ErrorCode;
  /** Whether this is about a command that `TierlineClient.retry` can send again. */
  readonly retryable: boolean;
}

/** The delay before reconnect attempt `attempt` (1-based): uniform in [0, min(maxDelay, initialDelay·multiplier^(attempt-1))). */
export function backoffDelay(policy: Required<ReconnectPolicy>, attempt: number, random?: () => number): number;

type Unsubscribe = () => void;

export class TierlineSession {
  private constructor();
  readonly id: string;
  readonly participantId: string | null;
  /** The seq of the last recorded event seen; a resume starts after it. */
  readonly lastSeq: number;
  /** The latest snapshot (set when join()/accept() resolve, refreshed on every resume). */
  readonly snapshot: Snapshot | null;

  /** Events of this session in seq order, once each: all of them (`'event'`) or one type. */
  on(type: 'event', listener: (event: AnyEvent) => void): Unsubscribe;
  on<T extends EventType>(type: T, listener: (event: TierlineEvent<T>) => void): Unsubscribe;
  off(type: string, listener: (...args: any[]) => void): void;

  send<B = Record<string, unknown>>(type: string, body?: object): Promise<Ack<B>>;
  chat(text: string): Promise<Ack>;
  /** Only technicians receive it. */
  chatTechnicians(text: string): Promise<Ack>;
  invite(options: InviteOptions): Promise<InviteIssued>;
  revokeInvite(inviteId: string): Promise<Ack>;
  transferOwner(to: string, reason: string): Promise<Ack>;
  requestControl(): Promise<Ack>;
  withdrawControlRequest(): Promise<Ack>;
  grantControl(to: string): Promise<Ack>;
  denyControl(to: string): Promise<Ack>;
  handoffControl(to: string): Promise<Ack>;
  releaseControl(): Promise<Ack>;
  revokeControl(): Promise<Ack>;
  startShare(share: Share): Promise<Ack>;
  updateShare(share: Share): Promise<Ack>;
  stopShare(): Promise<Ack>;
  signal(to: string, kind: string, payload: unknown): Promise<Ack>;
  pointer(display: string, x: number, y: number): Promise<Ack>;
  addNote(text: string): Promise<Ack>;
  end(outcome: Outcome, resolution?: string): Promise<Ack>;
  leave(): Promise<Ack>;
}

export class TierlineClient {
  constructor(options: ClientOptions);
  readonly state: ConnectionState;
  readonly welcome: Welcome | null;

  /** Opens the connection and says hello; rejects with `unauthenticated` for bad credentials. */
  connect(): Promise<Welcome>;
  /** Any command. */
  send<B = Record<string, unknown>>(session: string | null, type: string, body?: object): Promise<Ack<B>>;
  createSession(ticket: string, title?: string, consent?: Consent): Promise<SessionOpened>;
  openRequest(topic: string, summary: string, ticket?: string): Promise<SessionOpened>;
  queue(topic?: string): Promise<QueuedRequest[]>;
  /** Resolves once the session's snapshot arrived. */
  accept(session: string): Promise<TierlineSession>;
  /** With an invitation token, this client's session key, or neither when already in the session. */
  join(session: string, invite?: string): Promise<TierlineSession>;
  session(id: string): TierlineSession | null;
  /**
   * Sends the command `error` is about again, with the same id; the server applies an id once and
   * answers a retry of an applied command with its reply. A join or accept resolves with the
   * session again. Throws a TypeError when `error` is not about a command of this client.
   */
  retry(error: TierlineError): Promise<Ack | TierlineSession>;
  /** Closes for good; whatever waits rejects with `unavailable`. */
  close(): Promise<void>;

  on(type: 'state', listener: (state: ConnectionState, reason: string | null) => void): Unsubscribe;
  /** Events of every joined session. */
  on(type: 'event', listener: (event: AnyEvent) => void): Unsubscribe;
  off(type: string, listener: (...args: any[]) => void): void;

  /** Test hook: the current socket. */
  _socketForTests(): { close(code?: number, reason?: string): void } | null;
}
