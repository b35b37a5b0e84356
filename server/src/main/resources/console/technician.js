// The technician's view: the desk (queue, invitation links, new sessions) and a live session
// (roster, chat, control, screen, invitations, notes, ownership, end).
import { h, fill, fillIfChanged, field, panel, errorLine, act, who, time } from './dom.js';
import * as auth from './auth.js';
import { connect, follow, roster, controlSummary, chatPanel, endedText } from './live.js';
import { label, describeShare } from './state.js';
import { Viewer } from './screen.js';

const QUEUE_REFRESH_MS = 5000;
const OUTCOMES = [['resolved', 'Resolved'], ['unresolved', 'Unresolved'], ['escalated', 'Escalated'], ['abandoned', 'Abandoned']];
const TIERS = [['L1', 'L1'], ['L2', 'L2'], ['L3', 'L3'], ['L4', 'L4 vendor']];

export function technicianView(main, ctx) {
  const a = auth.current();
  const client = connect(a, ctx);
  let me = a.actor;
  let desk = null;
  let live = null;
  const root = h('div', { class: 'view tech' }, h('p', { role: 'status' }, 'Connecting…'));
  fill(main, root);

  const internal = () => me.tier !== 'L4';

  async function start() {
    try {
      me = (await client.connect()).you;
    } catch (err) {
      fill(root, h('p', { class: 'error', role: 'alert' }, `Could not connect: ${err.message}. `),
        h('p', {}, h('a', { href: '#/' }, 'Sign in again')));
      return;
    }
    const { session, invite } = ctx.params;
    if (invite && session) {
      history.replaceState(null, '', '#/technician'); // the invitation is single-use; keep it out of the history
      const out = errorLine();
      showDesk(out);
      await act(null, out, async () => openSession(await client.join(session, invite)));
      return;
    }
    const resume = auth.memory.get('current');
    if (resume) {
      const handle = await client.join(resume).catch(() => null);
      if (handle) return openSession(handle);
      auth.memory.set('current', null);
    }
    showDesk();
  }

  // ------------------------------------------------------------------ the desk

  function showDesk(initialError) {
    closeSession();
    desk?.dispose();
    desk = deskView(client, me, { internal: internal(), onSession: openSession });
    fill(root, desk.el);
    if (initialError) desk.el.firstChild.append(initialError);
  }

  // ------------------------------------------------------------------ a live session

  function openSession(handle) {
    desk?.dispose();
    desk = null;
    closeSession();
    auth.memory.set('current', handle.id);
    live = sessionView(handle, me, { internal: internal(), onDone: () => { auth.memory.set('current', null); showDesk(); } });
    fill(root, live.el);
    live.el.querySelector('h1')?.focus();
  }

  function closeSession() {
    live?.dispose();
    live = null;
  }

  start();
  return async () => {
    desk?.dispose();
    closeSession();
    await client.close();
  };
}

/** The desk: the queue, joining with an invitation link, and opening a session for a caller. */
function deskView(client, me, { internal, onSession }) {
  const el = h('div', { class: 'grid desk' });
  let timer = null;

  const heading = h('h1', { tabindex: '-1' }, 'Support desk');
  el.append(h('div', { class: 'wide' }, heading));

  // The queue: polled, since waiting requests are not pushed to technicians.
  const queueList = h('ul', { class: 'queue', 'aria-live': 'polite' });
  const queueStatus = h('p', { class: 'muted', role: 'status' });
  const queueOut = errorLine();
  const refreshButton = h('button', { type: 'button', class: 'quiet' }, 'Refresh');
  async function refresh() {
    try {
      const requests = await client.queue();
      fill(queueStatus, requests.length ? `${requests.length} waiting · updated ${time(new Date().toISOString())}` : 'Nobody is waiting.');
      fillIfChanged(queueList, JSON.stringify(requests), () => requests.map((r) => {
        const accept = h('button', { type: 'button' }, 'Accept');
        accept.setAttribute('aria-label', `Accept ${r.user}'s request: ${r.summary}`);
        accept.addEventListener('click', () => act(accept, queueOut, async () => onSession(await client.accept(r.session))));
        return h('li', { 'data-session': r.session },
          h('div', {}, h('strong', {}, r.summary)),
          h('div', { class: 'muted' }, `${r.user} · ${r.topic} · ticket ${r.ticket} · waiting since ${time(r.waitingSince)}`),
          accept);
      }));
    } catch (err) {
      fill(queueStatus, `Could not read the queue: ${err.message}`);
    }
  }
  refreshButton.addEventListener('click', () => refresh());
  if (internal) {
    el.append(panel('Queue', h('div', { class: 'row' }, queueStatus, refreshButton), queueList, queueOut));
    refresh();
    timer = setInterval(refresh, QUEUE_REFRESH_MS);
  } else {
    el.append(panel('Queue', h('p', {}, 'L4 vendor technicians join sessions by invitation only.')));
  }

  // An invitation link (or its token and the session id).
  const link = field('Invitation link', 'input', { type: 'text', required: true, autocomplete: 'off', spellcheck: 'false',
    'data-hint': 'The link a colleague sent you.' });
  const joinOut = errorLine();
  const joinButton = h('button', { type: 'submit' }, 'Join');
  const joinForm = h('form', {}, link.row, joinButton, joinOut);
  joinForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(joinButton, joinOut, async () => {
      const hash = link.input.value.trim().replace(/^[^#]*#\/?/, '');
      const params = new URLSearchParams(hash.split('?')[1] ?? '');
      if (!params.get('session') || !params.get('invite')) throw new Error('That is not an invitation link.');
      onSession(await client.join(params.get('session'), params.get('invite')));
    });
  });
  el.append(panel('Join with an invitation', joinForm));

  if (internal) {
    const f = {
      ticket: field('Ticket', 'input', { type: 'text', required: true, maxlength: 200, autocomplete: 'off' }),
      title: field('Title', 'input', { type: 'text', maxlength: 200, autocomplete: 'off' }),
      consent: field('Control consent', 'select', {}, [['each-time', 'Ask the user every time'],
        ['once-per-technician', 'Once per technician']]),
    };
    const out = errorLine();
    const button = h('button', { type: 'submit' }, 'Open session');
    const form = h('form', {}, f.ticket.row, f.title.row, f.consent.row, button, out);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(button, out, async () => {
        const opened = await client.createSession(f.ticket.input.value.trim(), f.title.input.value.trim() || undefined,
          f.consent.input.value);
        auth.memory.set(`key:${opened.session}`, opened.key);
        onSession(await client.join(opened.session));
      });
    });
    el.append(panel('New session for a caller', h('p', {}, 'Opens a session and gives you a link for the end user.'), form));
  }

  return {
    el,
    dispose() {
      clearInterval(timer);
    },
  };
}

/** A live session for a technician. */
function sessionView(handle, me, { internal, onDone }) {
  const links = auth.memory.get(`links:${handle.id}`) ?? {}; // invitation id → link, for the invitations made here
  const el = h('div', { class: 'session' });
  const heading = h('h1', { tabindex: '-1' });
  const status = h('p', { class: 'session-status', role: 'status' });
  const endedBanner = h('div', { class: 'banner', role: 'status', hidden: true });
  const leaveOut = errorLine();
  const leaveButton = h('button', { type: 'button', class: 'quiet' }, 'Leave session');
  const doneButton = h('button', { type: 'button', hidden: true }, 'Back to the desk');
  leaveButton.addEventListener('click', () => act(leaveButton, leaveOut, async () => { await handle.leave(); onDone(); }));
  doneButton.addEventListener('click', () => onDone());

  // People
  const rosterBox = h('div');
  // Control
  const controlText = h('p', { class: 'control-status', 'aria-live': 'polite' });
  const controlOut = errorLine();
  const requestButton = h('button', { type: 'button' }, 'Request control');
  const withdrawButton = h('button', { type: 'button', class: 'quiet' }, 'Withdraw request');
  const releaseButton = h('button', { type: 'button', class: 'quiet' }, 'Release control');
  const handoffTo = field('Hand off to', 'select');
  const handoffButton = h('button', { type: 'button' }, 'Hand off');
  const handoffRow = h('div', { class: 'inline' }, handoffTo.row, handoffButton);
  requestButton.addEventListener('click', () => act(requestButton, controlOut, () => handle.requestControl()));
  withdrawButton.addEventListener('click', () => act(withdrawButton, controlOut, () => handle.withdrawControlRequest()));
  releaseButton.addEventListener('click', () => act(releaseButton, controlOut, () => handle.releaseControl()));
  handoffButton.addEventListener('click', () => act(handoffButton, controlOut, () => handle.handoffControl(handoffTo.input.value)));
  // Screen
  const screenText = h('p', { 'aria-live': 'polite' });
  const screenStatus = h('p', { class: 'muted', role: 'status' });
  const video = h('video', { autoplay: true, muted: true, playsinline: true, hidden: true, 'aria-label': 'The user\'s screen' });
  const viewButton = h('button', { type: 'button', hidden: true }, 'View the screen');
  const viewer = new Viewer(handle, video, (text) => fill(screenStatus, text));
  const screenOut = errorLine();
  viewButton.addEventListener('click', () => act(viewButton, screenOut, () => {
    const user = [...state.participants.values()].find((p) => p.role === 'end_user');
    if (!user) throw new Error('The user is not in the session.');
    return viewer.request(user.id, state.share?.stream);
  }));

  // Chat
  const chat = chatPanel({ technician: true, send: (text, audience) => handle.send('chat.send', { text, audience }) });
  // Notes
  const notesList = h('ul', { class: 'notes', 'aria-live': 'polite' });
  const noteText = field('Note', 'textarea', { rows: 2, required: true, maxlength: 4000 });
  const noteOut = errorLine();
  const noteButton = h('button', { type: 'submit' }, 'Add note');
  const noteForm = h('form', {}, noteText.row, noteButton, noteOut);
  noteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(noteButton, noteOut, async () => {
      await handle.addNote(noteText.input.value.trim());
      noteText.input.value = '';
    });
  });
  // Invitations
  const inv = {
    tier: field('Tier', 'select', {}, TIERS),
    ttl: field('Link valid for (minutes)', 'input', { type: 'number', min: 1, max: 1440, value: 10, required: true }),
    window: field('Access window (minutes, L4)', 'input', { type: 'number', min: 1, max: 1440, value: 60,
      'data-hint': 'How long a vendor may stay once in.' }),
    control: field('May take control', 'input', { type: 'checkbox', checked: true }),
    techChat: field('Sees technician-only chat and notes', 'input', { type: 'checkbox', checked: true }),
    invitee: field('Only for (participant id, optional)', 'input', { type: 'text', autocomplete: 'off', spellcheck: 'false' }),
  };
  inv.invitee.row.classList.add('invitee');
  inv.tier.input.value = 'L2';
  const vendorDefaults = () => {
    const vendor = inv.tier.input.value === 'L4';
    // Only a vendor's invitation has an access window and a choice about technician-only traffic.
    inv.window.row.hidden = !vendor;
    inv.techChat.row.hidden = !vendor;
    inv.control.input.checked = !vendor;
    inv.techChat.input.checked = !vendor;
  };
  inv.tier.input.addEventListener('change', vendorDefaults);
  vendorDefaults();
  const invOut = errorLine();
  const invButton = h('button', { type: 'submit' }, 'Create invitation');
  const invForm = h('form', { class: 'invite-form' }, inv.tier.row, inv.ttl.row, inv.window.row, inv.control.row,
    inv.techChat.row, inv.invitee.row, invButton, invOut);
  const invList = h('ul', { class: 'invites', 'aria-live': 'polite' });
  invForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(invButton, invOut, async () => {
      const tier = inv.tier.input.value;
      const issued = await handle.invite({
        tier,
        ttlSeconds: Math.round(Number(inv.ttl.input.value) * 60),
        windowSeconds: tier === 'L4' ? Math.round(Number(inv.window.input.value) * 60) : undefined,
        allowControl: inv.control.input.checked,
        technicianChat: inv.techChat.input.checked,
        invitee: inv.invitee.input.value.trim() || undefined,
      });
      links[issued.invite] = inviteLink(handle.id, issued.token);
      auth.memory.set(`links:${handle.id}`, links);
      render();
    });
  });
  // Ownership
  const transferTo = field('New owner', 'select');
  const reason = field('Reason', 'input', { type: 'text', required: true, maxlength: 500, autocomplete: 'off' });
  const transferOut = errorLine();
  const transferButton = h('button', { type: 'submit' }, 'Transfer ownership');
  const transferForm = h('form', {}, transferTo.row, reason.row, transferButton, transferOut);
  const ownerText = h('p', { class: 'muted' });
  transferForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(transferButton, transferOut, async () => {
      await handle.transferOwner(transferTo.input.value, reason.input.value.trim());
      reason.input.value = '';
    });
  });
  // End
  const outcome = field('Outcome', 'select', {}, OUTCOMES);
  const resolution = field('Resolution', 'textarea', { rows: 2, maxlength: 4000 });
  const endOut = errorLine();
  const endButton = h('button', { type: 'submit', class: 'danger' }, 'End session');
  const endForm = h('form', {}, outcome.row, resolution.row, endButton, endOut);
  endForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(endButton, endOut, () => handle.end(outcome.input.value, resolution.input.value.trim() || undefined));
  });
  // The caller's link, for a session opened here.
  const key = auth.memory.get(`key:${handle.id}`);
  const callerPanel = key ? panel('The caller\'s link', h('p', {}, 'Give the end user this link (or the session id and key).'),
    copyBox('Link for the end user', `${location.origin}${location.pathname}#/key?session=${encodeURIComponent(handle.id)}&key=${encodeURIComponent(key)}`),
    h('p', { class: 'muted' }, 'Session id: ', h('code', {}, handle.id))) : null;

  const ownerPanel = panel('Ownership', ownerText, transferForm);
  const endPanel = panel('End the session', endForm);
  const invitePanel = panel('Invitations', invForm, h('h3', {}, 'Open invitations'), invList);
  const notesPanel = panel('Notes', h('p', { class: 'muted' }, 'Technicians only; recorded and sent to the ticket.'), notesList, noteForm);
  el.append(
    h('div', { class: 'session-head' }, heading, status, h('div', { class: 'row' }, leaveButton, doneButton), leaveOut),
    endedBanner,
    h('div', { class: 'grid live' },
      h('div', { class: 'col' },
        panel('People', rosterBox),
        panel('Remote control', controlText, h('div', { class: 'row' }, requestButton, withdrawButton, releaseButton), handoffRow, controlOut),
        panel('Screen', screenText, viewButton, screenStatus, video, screenOut),
        ownerPanel, endPanel),
      h('div', { class: 'col col-chat' }, chat.el),
      h('div', { class: 'col' }, callerPanel, internal ? invitePanel : null, internal ? notesPanel : null)));

  const { state, stop } = follow(handle, (ev, text) => {
    chat.add(ev, text);
    if (ev.type === 'note.added') addNote(ev);
    render();
  });

  function addNote(ev) {
    notesList.append(h('li', {}, h('div', { class: 'msg-head' }, who(ev.actor), ' ', h('time', { datetime: ev.ts }, time(ev.ts))),
      h('p', {}, ev.body.text)));
  }

  function options(select, people) {
    const keep = select.value;
    fill(select, people.map((p) => h('option', { value: p.id }, label(state, p.id))));
    if (people.some((p) => p.id === keep)) select.value = keep;
  }

  function render() {
    const ended = state.state === 'ended';
    const owner = state.owner === me.id;
    const amController = state.controller === me.id;
    const requested = state.controlRequests.includes(me.id);
    const myself = state.participants.get(me.id);
    const colleagues = [...state.participants.values()].filter((p) => p.role === 'technician' && p.id !== me.id);

    fill(heading, `Ticket ${state.ticket ?? ''}${state.title ? ` — ${state.title}` : ''}`);
    fill(status, `Session ${handle.id} · ${state.state ?? ''}${state.topic ? ` · topic ${state.topic}` : ''} · owner ${state.owner ? label(state, state.owner) : 'nobody'}`);
    fill(rosterBox, roster(state, me.id));

    fill(controlText, controlSummary(state, me.id));
    requestButton.hidden = ended || amController || requested || !myself?.allowControl;
    withdrawButton.hidden = ended || !requested;
    releaseButton.hidden = ended || !amController;
    handoffRow.hidden = ended || !amController;
    options(handoffTo.input, colleagues.filter((p) => p.allowControl));
    handoffButton.disabled = colleagues.filter((p) => p.allowControl).length === 0;

    const sharer = state.share ? state.participants.get(state.share.by) : null;
    fill(screenText, state.share ? `${sharer?.name ?? 'The user'} shares the screen: ${describeShare(state.share)}.`
      : 'The user is not sharing their screen.');
    viewButton.hidden = !state.share || ended;
    if (!state.share) {
      viewer.close();
      fill(screenStatus);
    }

    const invites = [...state.invites.values()];
    const invKey = JSON.stringify([invites, Object.keys(links), ended, owner]);
    fillIfChanged(invList, invKey, () => invites.length === 0 ? h('li', { class: 'muted' }, 'None.') : invites.map((i) => {
      const li = h('li', {}, h('div', {}, h('strong', {}, `${i.tier} invitation`), i.invitee ? ` for ${i.invitee}` : '',
        h('span', { class: 'muted' }, ` · expires ${time(i.expiresAt)}${i.allowControl ? ' · may take control' : ''}`)));
      if (links[i.invite]) li.append(copyBox(`Link for the ${i.tier} invitation`, links[i.invite]));
      if (!ended && (owner || i.createdBy === me.id || links[i.invite])) {
        const revoke = h('button', { type: 'button', class: 'quiet' }, 'Revoke');
        revoke.setAttribute('aria-label', `Revoke the ${i.tier} invitation`);
        revoke.addEventListener('click', () => act(revoke, invOut, () => handle.revokeInvite(i.invite)));
        li.append(revoke);
      }
      return li;
    }));
    invForm.hidden = ended;
    noteForm.hidden = ended;

    fill(ownerText, owner ? 'You own this session.' : `Owner: ${state.owner ? label(state, state.owner) : 'nobody'}. Only the owner can transfer ownership or end the session.`);
    const successors = colleagues.filter((p) => p.tier !== 'L4');
    options(transferTo.input, successors);
    transferForm.hidden = ended || !owner;
    transferButton.disabled = successors.length === 0;
    endForm.hidden = ended || !owner;

    chat.setEnabled(!ended);
    endedBanner.hidden = !ended;
    fill(endedBanner, endedText(state));
    leaveButton.hidden = ended;
    doneButton.hidden = !ended;
    if (ended) auth.memory.set('current', null);
  }

  render();
  return {
    el,
    dispose() {
      stop();
      viewer.dispose();
    },
  };
}

export function inviteLink(session, token) {
  return `${location.origin}${location.pathname}#/join?session=${encodeURIComponent(session)}&invite=${encodeURIComponent(token)}`;
}

/** A read-only text box with a Copy button (the text stays selectable when the clipboard is not available). */
function copyBox(name, value) {
  const input = h('input', { type: 'text', readonly: true, value, 'aria-label': name, class: 'copy-text' });
  const msg = h('span', { class: 'muted', role: 'status' });
  const button = h('button', { type: 'button', class: 'quiet' }, 'Copy link');
  button.setAttribute('aria-label', `Copy: ${name}`);
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(value);
      fill(msg, 'Copied.');
    } catch {
      input.select();
      fill(msg, 'Selected: press Ctrl+C to copy.');
    }
  });
  return h('div', { class: 'copy' }, input, button, msg);
}
