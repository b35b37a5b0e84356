// A session's state folded from its snapshot and events, the same way for a live session and for an
// auditor's replay of a transcript, and one readable line per event.

export function emptyState() {
  return {
    ticket: null, title: null, topic: null, summary: null, state: null, consent: null,
    owner: null,
    /** Present participants by id. */
    participants: new Map(),
    /** Everyone ever seen, by id, so departed people still have a name. */
    known: new Map(),
    controller: null,
    controlRequests: [],
    pendingHandoff: null,
    share: null,
    /** Open invitations by id (technicians only). */
    invites: new Map(),
    ended: null,
  };
}

function remember(s, p) {
  s.known.set(p.id, { ...s.known.get(p.id), ...p });
}

/** Applies one event to `s` (mutating it) and returns `s`. */
export function applyEvent(s, ev) {
  const b = ev.body ?? {};
  if (ev.actor && ev.actor.role !== 'system') remember(s, ev.actor);
  switch (ev.type) {
    case 'session.snapshot': {
      const fresh = emptyState();
      fresh.known = s.known;
      Object.assign(s, fresh, {
        ticket: b.ticket, title: b.title ?? null, topic: b.topic ?? null, state: b.state, consent: b.consent,
        owner: b.owner ?? null, controller: b.controller ?? null, controlRequests: [...(b.controlRequests ?? [])],
        pendingHandoff: b.pendingHandoff ?? null, share: b.share ?? null,
      });
      for (const p of b.participants ?? []) {
        s.participants.set(p.id, { ...p });
        remember(s, p);
      }
      for (const inv of b.invites ?? []) s.invites.set(inv.invite, inv);
      break;
    }
    case 'session.opened':
      Object.assign(s, { ticket: b.ticket, title: b.title ?? null, topic: b.topic ?? null, summary: b.summary ?? null,
        state: b.state, consent: b.consent });
      if (b.state === 'active') s.owner = ev.actor.id;
      break;
    case 'session.accepted':
      s.owner = b.owner;
      s.state = 'active';
      break;
    case 'session.requeued':
      s.owner = null;
      s.state = 'waiting';
      break;
    case 'session.ended':
      s.state = 'ended';
      s.ended = b;
      s.controller = null;
      s.controlRequests = [];
      s.pendingHandoff = null;
      s.share = null;
      break;
    case 'participant.joined':
      s.participants.set(b.participant.id, { ...b.participant });
      remember(s, b.participant);
      if (b.invite) s.invites.delete(b.invite); // invitations are single-use
      break;
    case 'participant.left':
      s.participants.delete(b.participant);
      s.controlRequests = s.controlRequests.filter((id) => id !== b.participant);
      break;
    case 'participant.disconnected':
    case 'participant.reconnected': {
      const p = s.participants.get(b.participant);
      if (p) p.presence = ev.type === 'participant.disconnected' ? 'disconnected' : 'connected';
      break;
    }
    case 'invite.created':
      s.invites.set(b.invite, { ...b, createdBy: ev.actor.id });
      break;
    case 'invite.revoked':
      s.invites.delete(b.invite);
      break;
    case 'owner.transferred':
      s.owner = b.to;
      break;
    case 'control.requested':
      if (!s.controlRequests.includes(b.by)) s.controlRequests.push(b.by);
      break;
    case 'control.withdrawn':
      s.controlRequests = s.controlRequests.filter((id) => id !== b.by);
      break;
    case 'control.denied':
      s.controlRequests = s.controlRequests.filter((id) => id !== b.to);
      if (s.pendingHandoff?.to === b.to) s.pendingHandoff = null;
      break;
    case 'control.granted':
      s.controller = b.to;
      s.controlRequests = s.controlRequests.filter((id) => id !== b.to);
      s.pendingHandoff = null;
      break;
    case 'control.handoff.requested':
      s.pendingHandoff = { from: b.from, to: b.to };
      break;
    case 'control.released':
      s.controller = null;
      s.pendingHandoff = null;
      break;
    case 'control.revoked':
      s.controller = null;
      s.pendingHandoff = null;
      s.controlRequests = [];
      break;
    case 'screen.share.started':
    case 'screen.share.updated':
      s.share = { ...b, by: ev.actor.id };
      break;
    case 'screen.share.stopped':
      s.share = null;
      break;
    default:
      break;
  }
  return s;
}

/** "Ann (L1)" for a participant id, from what the state has seen. */
export function label(s, id) {
  const p = s.known.get(id) ?? s.participants.get(id);
  if (!p) return id ?? 'nobody';
  return p.tier ? `${p.name} (${p.tier})` : p.role === 'end_user' ? `${p.name} (user)` : p.name;
}

/** Displays of a share as "1 display: 1920×1080" text. */
export function describeShare(share) {
  const ds = share.displays ?? [];
  const sizes = ds.map((d) => `${d.width}×${d.height}${d.scale && d.scale !== 1 ? ` @${d.scale}x` : ''}`).join(', ');
  const extra = [share.codec, share.maxFps ? `${share.maxFps} fps` : null].filter(Boolean).join(', ');
  return `${ds.length} display${ds.length === 1 ? '' : 's'}: ${sizes}${extra ? ` (${extra})` : ''}`;
}

const REASONS = { released: 'released it', disconnected: 'was disconnected', left: 'left', timeout: 'timed out',
  'access window ended': 'access window ended', ended: 'the session ended' };

/** One readable sentence for an event, as the state stood just before it (for names). */
export function describe(s, ev) {
  const b = ev.body ?? {};
  if (ev.actor && ev.actor.role !== 'system') remember(s, ev.actor); // a newcomer's first event names them
  const L = (id) => label(s, id);
  switch (ev.type) {
    case 'session.snapshot': return 'Session state loaded';
    case 'session.opened':
      return b.state === 'waiting'
        ? `Asked for help (${b.topic ?? 'no topic'}): ${b.summary ?? b.title ?? ''}`
        : `Opened the session for ticket ${b.ticket}${b.title ? `: ${b.title}` : ''}`;
    case 'session.accepted': return `${L(b.owner)} accepted the request and owns the session`;
    case 'session.requeued': return `Back in the queue (${b.topic}): ${b.reason}`;
    case 'session.ended':
      return `Session ended: ${b.outcome}${b.resolution ? ` — ${b.resolution}` : ''}${b.reason && b.reason !== 'owner' ? ` (${b.reason})` : ''}`;
    case 'participant.joined': {
      const p = b.participant;
      const via = { request: 'opened the request', accept: 'accepted from the queue', invite: 'with an invitation',
        key: 'with the session key', create: 'created the session' }[b.via] ?? b.via;
      return `${p.tier ? `${p.name} (${p.tier})` : p.name} joined (${via})`;
    }
    case 'participant.left': return `${L(b.participant)} left (${b.reason})`;
    case 'participant.disconnected': return `${L(b.participant)} lost the connection`;
    case 'participant.reconnected': return `${L(b.participant)} is back`;
    case 'chat.message': return b.text;
    case 'note.added': return `Note: ${b.text}`;
    case 'invite.created':
      return `Invited ${b.invitee ? L(b.invitee) : `an ${b.tier} technician`}${b.allowControl ? ', may take control' : ''}`
        + `${b.technicianChat ? ', sees technician chat' : ''}`;
    case 'invite.revoked': return 'Revoked an invitation';
    case 'owner.transferred': return `Ownership passed from ${L(b.from)} to ${L(b.to)}: ${b.reason}`;
    case 'control.requested': return `${L(b.by)} asked to control the user's computer`;
    case 'control.withdrawn': return `${L(b.by)} withdrew the control request`;
    case 'control.granted':
      return `${L(b.to)} now controls the computer${b.from ? ` (handed over by ${L(b.from)})` : ''}`
        + ` — consent: ${b.consent === 'policy' ? 'earlier consent' : 'the user agreed'}`;
    case 'control.denied': return `The user refused control to ${L(b.to)}`;
    case 'control.handoff.requested': return `${L(b.from)} asked to hand control to ${L(b.to)}`;
    case 'control.released': return `${L(b.from)} no longer controls the computer (${REASONS[b.reason] ?? b.reason})`;
    case 'control.revoked': return `The user stopped ${L(b.from)}'s control`;
    case 'screen.share.started': return `Screen sharing started: ${describeShare(b)}`;
    case 'screen.share.updated': return `Screen sharing changed: ${describeShare(b)}`;
    case 'screen.share.stopped': return 'Screen sharing stopped';
    case 'recording.status': return b.status === 'ok' ? 'Recording works again' : `Recording impaired: ${b.detail ?? ''}`;
    default: return ev.type;
  }
}

/** What kind of line an event is, for styling and filtering. */
export function kindOf(ev) {
  if (ev.type === 'chat.message') return 'chat';
  if (ev.type === 'note.added') return 'note';
  if (ev.type.startsWith('control.')) return 'control';
  if (ev.type === 'owner.transferred' || ev.type === 'session.ended' || ev.type === 'session.accepted') return 'milestone';
  return 'system';
}
