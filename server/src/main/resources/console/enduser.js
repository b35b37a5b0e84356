// The end user's view: ask for help (or join with a session key), chat, answer control requests,
// stop control at any time, and share the screen.
import { h, fill, field, panel, errorLine, act } from './dom.js';
import * as auth from './auth.js';
import { connect, follow, roster, chatPanel, endedText } from './live.js';
import { label, describeShare } from './state.js';
import { Sharer, localDisplays } from './screen.js';

const TOPICS = [['vpn', 'VPN or network'], ['email', 'Email'], ['hardware', 'Computer or printer'], ['software', 'An application'], ['account', 'Account or password'], ['other', 'Something else']];

export function endUserView(main, ctx) {
  const a = auth.current();
  const client = connect(a, ctx);
  let me = a.actor;
  let live = null;
  const root = h('div', { class: 'view user' }, h('p', { role: 'status' }, 'Connecting…'));
  fill(main, root);

  async function start() {
    try {
      me = (await client.connect()).you;
    } catch (err) {
      fill(root, h('p', { class: 'error', role: 'alert' }, `Could not connect: ${err.message}.`),
        h('p', {}, h('a', { href: '#/' }, 'Back to the start page')));
      return;
    }
    const id = a.session ?? auth.memory.get('current');
    if (id) {
      const out = errorLine();
      const handle = await act(null, out, () => client.join(id));
      if (handle) return openSession(handle);
      auth.memory.set('current', null);
      if (a.sessionKey) {
        fill(root, h('div', { class: 'narrow' }, panel('Could not join', out, h('p', {}, h('a', { href: '#/' }, 'Back to the start page')))));
        return;
      }
    }
    showRequestForm();
  }

  function showRequestForm() {
    closeSession();
    const f = {
      topic: field('What is it about?', 'select', {}, TOPICS),
      summary: field('What happens?', 'textarea', { rows: 3, required: true, maxlength: 2000,
        'data-hint': 'A sentence or two, e.g. "The VPN drops every hour".' }),
      ticket: field('Ticket number (optional)', 'input', { type: 'text', maxlength: 200, autocomplete: 'off' }),
    };
    const out = errorLine();
    const button = h('button', { type: 'submit' }, 'Ask for help');
    const form = h('form', {}, f.topic.row, f.summary.row, f.ticket.row, button, out);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      act(button, out, async () => {
        const opened = await client.openRequest(f.topic.input.value, f.summary.input.value.trim(), f.ticket.input.value.trim() || undefined);
        if (opened.suggestions?.length) {
          showSuggestions(opened); // the request waits for this choice before any technician sees it
        } else {
          openSession(client.session(opened.session), opened.ticket);
        }
      });
    });
    const heading = h('h1', { tabindex: '-1' }, `Hello ${me.name}`);
    fill(root, h('div', { class: 'narrow' }, heading, panel('Ask for help', form)));
  }

  /** Self-help first: public articles that match the summary, and the way on to a technician. */
  function showSuggestions(opened) {
    const out = errorLine();
    const items = opened.suggestions.map((article) => {
      const solved = h('button', { type: 'button' }, 'This solved it');
      solved.addEventListener('click', () => act(solved, out, async () => {
        await client.send(opened.session, 'request.selfResolve', { article: article.id });
        const again = h('button', { type: 'button' }, 'Ask about something else');
        again.addEventListener('click', showRequestForm);
        fill(root, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, 'Glad that helped'),
          panel('Solved', h('p', {}, `Your request ${opened.ticket} is closed as solved by “${article.title}”.`), again)));
        root.querySelector('h1')?.focus();
      }));
      return h('li', { class: 'suggestion' }, h('h3', {}, article.title), h('p', {}, article.snippet ?? ''), solved);
    });
    const onward = h('button', { type: 'button' }, 'I still need a technician');
    onward.addEventListener('click', () => act(onward, out, async () => {
      await client.send(opened.session, 'request.queue');
      openSession(client.session(opened.session), opened.ticket);
    }));
    fill(root, h('div', { class: 'narrow' }, h('h1', { tabindex: '-1' }, 'Maybe one of these solves it'),
      panel('Articles that match your request', h('ul', { class: 'suggestions' }, ...items), onward, out)));
    root.querySelector('h1')?.focus();
  }

  function openSession(handle, ticket) {
    closeSession();
    auth.memory.set('current', handle.id);
    live = sessionView(handle, me, ticket, () => {
      auth.memory.set('current', null);
      if (a.sessionKey) {
        auth.signOut();
        ctx.go('#/');
      } else {
        showRequestForm();
      }
    });
    fill(root, live.el);
    live.el.querySelector('h1')?.focus();
  }

  function closeSession() {
    live?.dispose();
    live = null;
  }

  start();
  return async () => {
    closeSession();
    await client.close();
  };
}

function sessionView(handle, me, ticket, onDone) {
  const el = h('div', { class: 'session user-session' });
  const heading = h('h1', { tabindex: '-1' }, 'Your support session');
  const status = h('p', { class: 'session-status', role: 'status' });
  const doneButton = h('button', { type: 'button', hidden: true }, 'Done');
  doneButton.addEventListener('click', onDone);

  // Remote control: always on screen, with the stop button, so the user can end control at any moment.
  const controlText = h('p', { 'aria-live': 'assertive' });
  const stopOut = errorLine();
  const stopButton = h('button', { type: 'button', class: 'danger stop' }, 'Stop control');
  stopButton.addEventListener('click', () => act(stopButton, stopOut, () => handle.revokeControl()));
  const controlBar = h('section', { class: 'control-bar', 'aria-label': 'Remote control of your computer' }, controlText, stopButton, stopOut);

  // Consent prompts for control requests and hand-offs.
  const prompts = h('div', { class: 'prompts' });
  const promptOut = errorLine();

  // Screen sharing
  const sharer = new Sharer(handle);
  const shareText = h('p', { 'aria-live': 'polite' });
  const picture = field('Also send the picture (your browser asks which screen)', 'input', { type: 'checkbox' });
  const shareOut = errorLine();
  const shareButton = h('button', { type: 'button' }, 'Share my screen');
  const unshareButton = h('button', { type: 'button', class: 'quiet' }, 'Stop sharing');
  shareButton.addEventListener('click', () => act(shareButton, shareOut, async () => {
    if (picture.input.checked && !(await sharer.capture(() => handle.stopShare().catch(() => {})))) {
      fill(shareOut, 'No picture: the browser did not give one. Sharing the screen details only.');
    }
    await handle.startShare({ stream: `st-${Math.random().toString(36).slice(2, 10)}`, displays: localDisplays(),
      codec: 'vp9', maxFps: 15 });
  }));
  unshareButton.addEventListener('click', () => act(unshareButton, shareOut, async () => {
    sharer.release();
    await handle.stopShare();
  }));

  const helpers = h('div');
  const chat = chatPanel({ technician: false, send: (text) => handle.chat(text) });
  const endedBanner = h('div', { class: 'banner', role: 'status', hidden: true });

  el.append(
    h('div', { class: 'session-head' }, heading, status, doneButton),
    controlBar,
    prompts,
    promptOut,
    endedBanner,
    h('div', { class: 'grid live user-live' },
      h('div', { class: 'col col-chat' }, chat.el),
      h('div', { class: 'col' },
        panel('Who is here', helpers),
        panel('Screen sharing', shareText, picture.row, h('div', { class: 'row' }, shareButton, unshareButton), shareOut))));

  const { state, stop } = follow(handle, (ev, text) => {
    chat.add(ev, text);
    if (ev.type === 'screen.share.stopped') sharer.release();
    render();
  });

  function prompt(text, to) {
    const allow = h('button', { type: 'button' }, 'Allow');
    const deny = h('button', { type: 'button', class: 'quiet' }, 'Deny');
    allow.setAttribute('aria-label', `Allow: ${text}`);
    deny.setAttribute('aria-label', `Deny: ${text}`);
    allow.addEventListener('click', () => act(allow, promptOut, () => handle.grantControl(to)));
    deny.addEventListener('click', () => act(deny, promptOut, () => handle.denyControl(to)));
    return h('div', { class: 'prompt', role: 'alert', 'data-to': to }, h('p', {}, text), h('div', { class: 'row' }, allow, deny));
  }

  let shownPrompts = '';
  function render() {
    const ended = state.state === 'ended';
    const technicians = [...state.participants.values()].filter((p) => p.role === 'technician');
    fill(status, ended ? '' : !state.state ? 'Opening your session…' : state.state === 'waiting'
      ? `Waiting for a technician… Ticket ${state.ticket ?? ticket ?? ''}.`
      : `Ticket ${state.ticket ?? ''} · ${technicians.length ? `helping you: ${technicians.map((p) => label(state, p.id)).join(', ')}` : 'no technician at the moment'}`);

    fill(controlText, state.controller
      ? `${label(state, state.controller)} controls your computer. You can stop it at any time.`
      : 'Nobody controls your computer.');
    controlBar.classList.toggle('active', Boolean(state.controller));
    stopButton.disabled = !state.controller;

    // Rebuild prompts only when they change, so a focused button is not replaced under the user.
    const wanted = [];
    if (state.pendingHandoff) {
      wanted.push([`${label(state, state.pendingHandoff.from)} wants to hand control of your computer to ${label(state, state.pendingHandoff.to)}.`, state.pendingHandoff.to]);
    }
    for (const id of state.controlRequests) wanted.push([`${label(state, id)} asks to control your computer.`, id]);
    const key = JSON.stringify(wanted);
    if (key !== shownPrompts) {
      shownPrompts = key;
      // Announced (role=alert) but not focused: a keystroke meant for the chat must never answer a consent prompt.
      fill(prompts, wanted.map(([text, to]) => prompt(text, to)));
    }

    fill(helpers, roster(state, me.id));
    const mine = state.share;
    fill(shareText, mine ? `You share your screen details: ${describeShare(mine)}${sharer.picture ? ', and the picture' : ''}.`
      : 'You are not sharing your screen.');
    shareButton.hidden = Boolean(mine) || ended;
    picture.row.hidden = Boolean(mine) || ended;
    unshareButton.hidden = !mine || ended;

    chat.setEnabled(!ended);
    endedBanner.hidden = !ended;
    fill(endedBanner, endedText(state));
    doneButton.hidden = !ended;
    if (ended) {
      controlBar.hidden = true;
      sharer.release();
    }
  }

  render();
  return {
    el,
    dispose() {
      stop();
      sharer.dispose();
    },
  };
}
