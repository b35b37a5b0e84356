// Pieces shared by the technician's and the end user's live session: following a session's events
// into a state, the roster, the chat feed, and the client's connection.
import { h, field, panel, errorLine, act, who, time, roleName, uid } from './dom.js';
import { emptyState, applyEvent, describe, kindOf, label } from './state.js';
import { TierlineClient } from './sdk/tierline.js';
import { wsUrl } from './auth.js';

/** A client for this tab's credentials that reports its connection state to the header. */
export function connect(a, ctx) {
  const client = a.token
    ? new TierlineClient({ url: wsUrl(), token: a.token })
    : new TierlineClient({ url: wsUrl(), sessionKey: a.sessionKey, name: a.name });
  client.on('state', (state) => ctx.setConnection(state));
  ctx.setConnection('connecting');
  return client;
}

/**
 * Folds a joined session's snapshot and events into a state; `onEvent(ev, text)` runs after each
 * event is applied, `text` being its readable line. Returns {state, stop}.
 */
export function follow(handle, onEvent) {
  const state = emptyState();
  if (handle.snapshot) applyEvent(state, { type: 'session.snapshot', body: handle.snapshot });
  const stop = handle.on('event', (ev) => {
    const text = describe(state, ev);
    applyEvent(state, ev);
    onEvent(ev, text);
  });
  return { state, stop };
}

/** The roster: who is in, role and tier, owner, controller, connection. */
export function roster(state, meId) {
  const people = [...state.participants.values()].sort((a, b) => rank(a) - rank(b));
  return h('ul', { class: 'roster' }, people.map((p) => {
    const tags = [];
    if (p.id === meId) tags.push(h('span', { class: 'tag' }, 'you'));
    if (p.id === state.owner) tags.push(h('span', { class: 'tag tag-owner' }, 'owner'));
    if (p.id === state.controller) tags.push(h('span', { class: 'tag tag-control' }, 'controls'));
    if (p.accessUntil) tags.push(h('span', { class: 'tag' }, `until ${time(p.accessUntil)}`));
    const presence = p.presence ?? 'connected';
    return h('li', { 'data-participant': p.id },
      who(p),
      h('span', { class: 'role' }, roleName(p)),
      ...tags,
      h('span', { class: `presence presence-${presence}` }, presence));
  }));
}

function rank(p) {
  return p.role === 'end_user' ? 0 : p.tier ? Number(p.tier.slice(1)) : 9;
}

/** One line of who controls and what waits, for everyone. */
export function controlSummary(state, meId) {
  const name = (id) => (id === meId ? 'You' : label(state, id));
  const parts = [];
  parts.push(state.controller ? `${name(state.controller)} ${state.controller === meId ? 'control' : 'controls'} the user's computer.`
    : 'Nobody controls the user\'s computer.');
  if (state.pendingHandoff) {
    parts.push(`Hand-off from ${label(state, state.pendingHandoff.from)} to ${label(state, state.pendingHandoff.to)} waits for the user's consent.`);
  }
  for (const id of state.controlRequests) parts.push(`${name(id)} asked for control; waiting for the user.`);
  return parts.join(' ');
}

/**
 * The chat: a feed of messages and session happenings, and a form to send. Technicians get an
 * "everyone / technicians only" switch. Returns {el, add(ev, text), setEnabled(on)}.
 */
export function chatPanel({ technician, send }) {
  const list = h('ol', { class: 'feed', 'aria-live': 'polite', 'aria-relevant': 'additions' });
  const scroller = h('div', { class: 'feed-scroll', tabindex: '0', 'aria-label': 'Chat and session activity' }, list);
  const text = field('Message', 'input', { type: 'text', required: true, maxlength: 4000, autocomplete: 'off' });
  const out = errorLine();
  const sendButton = h('button', { type: 'submit' }, 'Send');
  const audience = technician ? audienceSwitch() : null;
  const form = h('form', { class: 'chat-form' }, text.row, audience?.el, sendButton, out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const value = text.input.value.trim();
    if (!value) return;
    act(sendButton, out, async () => {
      await send(value, audience?.value() ?? 'all');
      text.input.value = '';
      text.input.focus();
    });
  });

  function add(ev, line) {
    const kind = kindOf(ev);
    if (kind === 'note' || ev.type === 'session.snapshot' || ev.type === 'screen.signal' || ev.type === 'screen.pointer') return;
    const nearBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
    let item;
    if (kind === 'chat') {
      item = h('li', { class: `msg${ev.audience === 'technicians' ? ' msg-tech' : ''}`, 'data-seq': ev.seq },
        h('div', { class: 'msg-head' }, who(ev.actor), ' ',
          h('time', { datetime: ev.ts }, time(ev.ts)),
          ev.audience === 'technicians' ? h('span', { class: 'tag tag-tech' }, 'technicians only') : null,
          ev.body.redacted ? h('span', { class: 'tag' }, `${ev.body.redacted} redacted`) : null),
        h('p', {}, ev.body.text));
    } else {
      item = h('li', { class: `sys sys-${kind}`, 'data-seq': ev.seq ?? '' },
        h('time', { datetime: ev.ts }, time(ev.ts)), ' ', line);
    }
    list.append(item);
    if (nearBottom) scroller.scrollTop = scroller.scrollHeight;
  }

  const el = panel('Chat', scroller, form);
  el.classList.add('chat');
  return {
    el,
    add,
    setEnabled(on) {
      form.hidden = !on;
    },
  };
}

function audienceSwitch() {
  const name = uid('aud');
  const all = h('input', { type: 'radio', name, id: `${name}-all`, value: 'all', checked: true });
  const tech = h('input', { type: 'radio', name, id: `${name}-tech`, value: 'technicians' });
  const el = h('fieldset', { class: 'switch' }, h('legend', {}, 'Send to'),
    all, h('label', { for: all.id }, 'Everyone'),
    tech, h('label', { for: tech.id }, 'Technicians only'));
  return { el, value: () => (tech.checked ? 'technicians' : 'all') };
}

/** "Session ended" text for a banner. */
export function endedText(state) {
  const e = state.ended;
  if (!e) return '';
  return `Session ended: ${e.outcome}${e.resolution ? ` — ${e.resolution}` : ''}`;
}

