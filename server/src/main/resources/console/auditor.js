// The auditor's view: search recorded sessions, read a transcript as a timeline, verify its seal,
// and replay it event by event.
import { h, fill, field, panel, errorLine, act, who, time, dateTime, badge } from './dom.js';
import * as auth from './auth.js';
import { emptyState, applyEvent, describe, kindOf, label } from './state.js';

const PLAY_INTERVAL_MS = 800;

export function auditorView(main, ctx) {
  ctx.setConnection(null); // REST only: no live connection
  const el = h('div', { class: 'view auditor' });
  const heading = h('h1', { tabindex: '-1' }, 'Recorded sessions');

  // ------------------------------------------------------------ search
  const f = {
    ticket: field('Ticket', 'input', { type: 'search', autocomplete: 'off' }),
    participant: field('Participant id', 'input', { type: 'search', autocomplete: 'off', spellcheck: 'false',
      'data-hint': 'e.g. t-ann or e-uma' }),
    from: field('Opened from', 'input', { type: 'datetime-local', step: 1 }),
    to: field('Opened before', 'input', { type: 'datetime-local', step: 1 }),
  };
  const searchOut = errorLine();
  const searchButton = h('button', { type: 'submit' }, 'Search');
  const form = h('form', { class: 'search', role: 'search' }, f.ticket.row, f.participant.row, f.from.row, f.to.row, searchButton);
  const resultStatus = h('p', { role: 'status', class: 'muted' });
  const results = h('div', { class: 'results' });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    search();
  });

  // The newest search wins: a search submitted while another is still out replaces it, and the
  // older answer, whenever it arrives, is dropped. (Ignoring the click instead, as other buttons
  // do, left the results of the form as it was before, under the form as it is now.)
  let searches = 0;
  async function search() {
    const mine = ++searches;
    fill(searchOut);
    searchButton.setAttribute('aria-busy', 'true');
    try {
      const q = new URLSearchParams();
      if (f.ticket.input.value.trim()) q.set('ticket', f.ticket.input.value.trim());
      if (f.participant.input.value.trim()) q.set('participant', f.participant.input.value.trim());
      // datetime-local is local time without a zone; the API wants instants.
      if (f.from.input.value) q.set('from', new Date(f.from.input.value).toISOString());
      if (f.to.input.value) q.set('to', new Date(f.to.input.value).toISOString());
      q.set('limit', '50');
      const body = await auth.api(`/api/sessions?${q}`);
      if (mine !== searches) return;
      fill(resultStatus, body.sessions.length ? `${body.sessions.length} session${body.sessions.length === 1 ? '' : 's'} found${body.nextOffset ? ' (first 50)' : ''}.` : 'No sessions found.');
      fill(results, body.sessions.length ? resultsTable(body.sessions) : null);
    } catch (err) {
      if (mine === searches) fill(searchOut, err?.message ?? String(err));
    } finally {
      if (mine === searches) searchButton.removeAttribute('aria-busy');
    }
  }

  function resultsTable(sessions) {
    return h('table', {},
      h('caption', { class: 'sr-only' }, 'Sessions found'),
      h('thead', {}, h('tr', {}, ['Ticket', 'Session', 'Title', 'Opened', 'Ended', 'Outcome', 'Sealed', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, sessions.map((s) => {
        const open = h('button', { type: 'button' }, 'Open');
        open.setAttribute('aria-label', `Open the transcript of ${s.ticket} (${s.session})`);
        open.addEventListener('click', () => openTranscript(s, open));
        // data-label: the column's name, shown beside each value when a phone stacks the cells.
        return h('tr', { 'data-session': s.session },
          h('td', { 'data-label': 'Ticket' }, s.ticket), h('td', { 'data-label': 'Session' }, h('code', {}, s.session)),
          h('td', { 'data-label': 'Title' }, s.title ?? s.topic ?? ''),
          h('td', { 'data-label': 'Opened' }, dateTime(s.openedAt)),
          h('td', { 'data-label': 'Ended' }, s.endedAt ? dateTime(s.endedAt) : 'live'),
          h('td', { 'data-label': 'Outcome' }, s.outcome ?? ''), h('td', { 'data-label': 'Sealed' }, s.sealed ? 'yes' : 'no'),
          h('td', {}, open));
      })));
  }

  // ------------------------------------------------------------ transcript
  const transcriptBox = h('div');
  let transcript = null;

  async function openTranscript(s, button) {
    transcript?.dispose();
    transcript = null;
    const out = errorLine();
    fill(transcriptBox, out);
    const text = await act(button, out, () => auth.api(`/api/sessions/${encodeURIComponent(s.session)}/transcript`, { text: true }));
    if (text == null) return;
    transcript = transcriptView(s, text);
    fill(transcriptBox, transcript.el);
    transcript.el.querySelector('h2')?.focus();
  }

  el.append(heading, panel('Search', form, searchOut, resultStatus, results), transcriptBox);
  fill(main, el);
  search();
  return () => transcript?.dispose();
}

/** Parses the JSON Lines transcript: {entries: [{seq, prev, hash, event}], seal}. */
function parseTranscript(text) {
  const entries = [];
  let seal = null;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line);
    if (row.seal) seal = row.seal;
    else if (row.event) entries.push(row);
  }
  entries.sort((a, b) => a.seq - b.seq);
  return { entries, seal };
}

function transcriptView(s, text) {
  const { entries, seal } = parseTranscript(text);
  const events = entries.map((e) => e.event);

  // The timeline, with each line described as the session stood just before it.
  const folding = emptyState();
  const items = events.map((ev) => {
    const line = describe(folding, ev);
    applyEvent(folding, ev);
    const kind = kindOf(ev);
    return h('li', { class: `tl tl-${kind}`, 'data-seq': ev.seq, 'data-type': ev.type },
      h('span', { class: 'tl-seq', 'aria-label': `event ${ev.seq}` }, `#${ev.seq}`),
      h('time', { datetime: ev.ts, class: 'tl-time' }, time(ev.ts)),
      h('span', { class: 'tl-actor' }, ev.actor.role === 'system' ? h('span', { class: 'who' }, 'Tierline ', badge(ev.actor)) : who(ev.actor)),
      h('span', { class: 'tl-text' }, kind === 'chat' ? `“${line}”` : line,
        ev.audience === 'technicians' ? h('span', { class: 'tag tag-tech' }, 'technicians only') : null,
        kind === 'control' ? h('span', { class: 'tag tag-control' }, 'control') : null));
  });
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'Events in order' }, items);

  // Verification
  const verifyOut = errorLine();
  const verifyResult = h('div', { class: 'verify', role: 'status' });
  const verifyButton = h('button', { type: 'button' }, 'Verify');
  verifyButton.addEventListener('click', () => act(verifyButton, verifyOut, async () => {
    const [v, keys] = await Promise.all([
      auth.api(`/api/sessions/${encodeURIComponent(s.session)}/transcript/verify`),
      auth.api('/api/keys').catch(() => ({ keys: [] })),
    ]);
    const key = keys.keys.find((k) => k.kid === v.keyId);
    verifyResult.className = `verify ${v.valid ? 'ok' : 'bad'}`;
    fill(verifyResult,
      h('p', { class: 'verdict' }, v.valid ? 'Valid' : 'Not valid', v.sealed ? '' : ' (not sealed yet)'),
      h('dl', {},
        h('dt', {}, 'Entries'), h('dd', {}, String(v.entries)),
        h('dt', {}, 'Signing key'), h('dd', {}, h('code', { class: 'key-id' }, v.keyId),
          key ? ` (${key.active ? 'the server\'s active key' : 'an earlier key of this server'})` : ' (not listed by this server)'),
        h('dt', {}, 'Head hash'), h('dd', {}, h('code', {}, v.headHash ?? '—'))),
      v.problems?.length ? h('ul', { class: 'problems' }, v.problems.map((p) => h('li', {}, p))) : null);
  }));

  const sealInfo = seal
    ? h('dl', { class: 'seal' },
      h('dt', {}, 'Seal'), h('dd', {}, `last event #${seal.lastSeq}, key `, h('code', {}, seal.keyId)),
      h('dt', {}, 'Signature'), h('dd', {}, h('code', { class: 'sig' }, seal.signature)))
    : h('p', { class: 'muted' }, 'Not sealed: the session is still live or was not closed.');

  const download = h('a', { href: URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' })),
    download: `${s.session}.jsonl` }, 'Download JSON Lines');

  // Replay: show the events one by one, with the session's state as of the current one.
  let step = events.length;
  let replaying = false;
  let timer = null;
  const replayStatus = h('p', { class: 'replay-status', role: 'status' });
  const stateBox = h('div', { class: 'replay-state' });
  const startButton = h('button', { type: 'button' }, 'Replay from the start');
  const prevButton = h('button', { type: 'button' }, 'Previous event');
  const nextButton = h('button', { type: 'button' }, 'Next event');
  const playButton = h('button', { type: 'button' }, 'Play');
  const allButton = h('button', { type: 'button', class: 'quiet' }, 'Show all');
  startButton.addEventListener('click', () => { pause(); replaying = true; go(0); });
  prevButton.addEventListener('click', () => { pause(); go(step - 1); });
  nextButton.addEventListener('click', () => { pause(); go(step + 1); });
  allButton.addEventListener('click', () => { pause(); replaying = false; go(events.length); });
  playButton.addEventListener('click', () => {
    if (timer) return pause();
    if (!replaying || step >= events.length) { replaying = true; go(0); }
    playButton.textContent = 'Pause';
    timer = setInterval(() => (step >= events.length ? pause() : go(step + 1)), PLAY_INTERVAL_MS);
  });
  function pause() {
    clearInterval(timer);
    timer = null;
    playButton.textContent = 'Play';
  }

  function go(n) {
    step = Math.max(0, Math.min(events.length, n));
    items.forEach((li, i) => {
      li.hidden = replaying && i >= step;
      if (replaying && i === step - 1) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
    const current = items[step - 1];
    if (replaying && current) current.scrollIntoView({ block: 'nearest' });
    prevButton.disabled = !replaying || step === 0;
    nextButton.disabled = replaying && step >= events.length;
    allButton.hidden = !replaying;
    const ev = events[step - 1];
    fill(replayStatus, !replaying ? `${events.length} events. Replay steps through them in order.`
      : step === 0 ? `Before the first event (0 of ${events.length}).`
        : `Event ${step} of ${events.length}: #${ev.seq} ${ev.type}`);
    renderState();
  }

  function renderState() {
    const st = emptyState();
    for (const ev of events.slice(0, step)) applyEvent(st, ev);
    fill(stateBox,
      h('h3', {}, replaying ? 'At this point' : 'At the end'),
      h('dl', {},
        h('dt', {}, 'State'), h('dd', {}, st.state ?? '—'),
        h('dt', {}, 'Owner'), h('dd', {}, st.owner ? label(st, st.owner) : 'nobody'),
        h('dt', {}, 'Control'), h('dd', { class: 'replay-control' }, st.controller ? label(st, st.controller) : 'nobody'),
        h('dt', {}, 'Present'), h('dd', {}, st.participants.size
          ? h('ul', { class: 'plain' }, [...st.participants.values()].map((p) => h('li', {}, who(p))))
          : 'nobody')));
  }

  const el = panel(`Transcript of ${s.ticket}`,
    h('p', { class: 'muted' }, 'Session ', h('code', {}, s.session), ` · ${s.title ?? s.topic ?? ''} · ${events.length} events · `, download),
    h('div', { class: 'verify-box' }, h('div', { class: 'row' }, verifyButton), sealInfo, verifyResult, verifyOut),
    h('div', { class: 'replay row', role: 'group', 'aria-label': 'Replay' }, startButton, prevButton, nextButton, playButton, allButton),
    replayStatus,
    h('div', { class: 'transcript-body' }, timeline, stateBox));
  el.querySelector('h2').setAttribute('tabindex', '-1');
  el.classList.add('transcript');
  go(events.length);

  return {
    el,
    dispose() {
      pause();
      URL.revokeObjectURL(download.href);
    },
  };
}
