// Rules that need the server to misbehave on cue (a close code, a duplicate seq, frames in one burst),
// against a scripted stand-in built on the `ws` package. Everything else runs against the real server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { TierlineClient, TierlineError, backoffDelay, DEFAULT_OPTIONS } from '../tierline.js';
import { collect } from './helpers.js';

/** A server whose `onCommand(command, send, socket, connectionNumber)` decides what happens; closed after `t`. */
async function fakeServer(t, onCommand) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  let connections = 0;
  wss.on('connection', (socket) => {
    const n = ++connections;
    const send = (message) => socket.send(JSON.stringify({ v: 1, ...message }));
    socket.on('message', (data) => onCommand(JSON.parse(String(data)), send, socket, n));
  });
  const close = () => new Promise((resolve) => {
    for (const c of wss.clients) c.terminate();
    wss.close(() => resolve());
  });
  t.after(close);
  return {
    url: `ws://127.0.0.1:${wss.address().port}/ws`,
    get connections() { return connections; },
    close,
  };
}

/** A client closed after `t`, with fast reconnects. */
function client(t, options) {
  const c = new TierlineClient({ token: 't', WebSocket, reconnect: { initialDelay: 5, maxDelay: 20 }, ...options });
  t.after(() => c.close());
  return c;
}

const welcome = (command) => ({
  type: 'welcome', re: command.id,
  body: { you: { id: 't-ann', name: 'Ann', role: 'technician', tier: 'L1' }, server: { protocol: 1 }, limits: {} },
});
const actor = { id: 't-ann', name: 'Ann', role: 'technician', tier: 'L1' };
const chat = (session, seq) => ({
  type: 'chat.message', session, seq, ts: '2026-11-22T11:00:00.000Z', actor, audience: 'all', body: { text: `#${seq}` },
});
const snapshot = (session, seq) => ({
  type: 'session.snapshot', session, seq, ts: '2026-11-22T11:00:00.000Z', actor, audience: 't-ann', body: { seq },
});

test('"server shutting down" (1001) and "slow reader" (1013) are retried; the in-flight command keeps its id', { timeout: 10_000 }, async (t) => {
  const chatIds = [];
  const server = await fakeServer(t, (command, send, socket, n) => {
    if (command.type === 'hello') return send(welcome(command));
    chatIds.push(command.id);
    if (n === 1) socket.close(1001, 'server shutting down');
    else if (n === 2) socket.close(1013, 'slow reader');
    else send({ type: 'ack', re: command.id, seq: 7, body: {} });
  });
  const c = client(t, { url: server.url });
  const states = [];
  c.on('state', (state, reason) => states.push([state, reason]));
  await c.connect();
  const ack = await c.send('s-1', 'chat.send', { text: 'hi' });
  assert.equal(ack.seq, 7);
  assert.equal(chatIds.length, 3);
  assert.equal(new Set(chatIds).size, 1, 'resent with the same id');
  assert.match(chatIds[0], /^c-[a-z0-9]+-\d+$/);
  assert.deepEqual(states, [
    ['connecting', null], ['connected', null],
    ['reconnecting', 'closed 1001: server shutting down'], ['connected', null],
    ['reconnecting', 'closed 1013: slow reader'], ['connected', null],
  ]);
});

test('an "unauthenticated" close is final', { timeout: 10_000 }, async (t) => {
  const server = await fakeServer(t, (command, send, socket) => socket.close(1008, 'unauthenticated: token expired'));
  const c = client(t, { url: server.url });
  await assert.rejects(c.connect(), { code: 'unauthenticated' });
  assert.equal(c.state, 'closed');
  assert.equal(server.connections, 1);
});

test('the client gives up after maxAttempts failed reconnects', { timeout: 10_000 }, async (t) => {
  const server = await fakeServer(t, () => {});
  await server.close(); // nothing listens there any more
  const c = client(t, { url: server.url, reconnect: { initialDelay: 5, maxDelay: 20, maxAttempts: 2 } });
  const states = [];
  c.on('state', (state) => states.push(state));
  await assert.rejects(c.connect(), (err) => err.code === 'unavailable' && /gave up after 2/.test(err.message));
  assert.deepEqual(states, ['connecting', 'reconnecting', 'closed']);
});

test('a resume asks for events after the last seq, keeps it across the snapshot, and drops seqs already seen', { timeout: 10_000 }, async (t) => {
  const resumes = [];
  const server = await fakeServer(t, (command, send, socket, n) => {
    if (command.type === 'hello') return send(welcome(command));
    if (command.type === 'session.create') {
      send({ type: 'ack', re: command.id, seq: 1, body: { session: 's-1', ticket: 'T-1', key: 'sk_1' } });
      for (const m of [snapshot('s-1', 1), chat('s-1', 2), chat('s-1', 3), chat('s-1', 2)]) send(m);
      socket.close(1001, 'server shutting down');
    } else if (command.type === 'session.join') {
      resumes.push(command.body);
      send({ type: 'ack', re: command.id, body: { session: 's-1', participant: 't-ann', seq: 5 } });
      for (const m of [snapshot('s-1', 5), chat('s-1', 3), chat('s-1', 4), chat('s-1', 5)]) send(m);
    }
  });
  const c = client(t, { url: server.url });
  const events = collect(c);
  await c.connect();
  await c.createSession('T-1', 'title');
  await events.until((e) => e.seq === 5 && e.type === 'chat.message', 'the last replayed event');
  assert.deepEqual(resumes, [{ resumeFrom: 3 }]);
  assert.deepEqual(events.events.map((e) => `${e.type} ${e.seq}`), [
    'session.snapshot 1', 'chat.message 2', 'chat.message 3',
    'session.snapshot 5', 'chat.message 4', 'chat.message 5',
  ]);
  assert.equal(c.session('s-1').lastSeq, 5);
});

test('join resolves after the snapshot, and a listener added right after it misses nothing', { timeout: 10_000 }, async (t) => {
  const server = await fakeServer(t, (command, send) => {
    if (command.type === 'hello') return send(welcome(command));
    // ack, snapshot and the next events in one burst, as a busy server sends them
    send({ type: 'ack', re: command.id, seq: 3, body: { session: 's-2', participant: 't-ann', seq: 3 } });
    for (const m of [snapshot('s-2', 3), chat('s-2', 4), chat('s-2', 5)]) send(m);
  });
  const c = client(t, { url: server.url });
  await c.connect();
  const session = await c.join('s-2', 'inv_x');
  assert.deepEqual(session.snapshot, { seq: 3 });
  const events = collect(session);
  await events.until((e) => e.seq === 5, 'the events after the snapshot');
  assert.deepEqual(events.events.map((e) => e.seq), [4, 5]);
});

test('retry sends the refused command again with its id; an error not about one of its commands is refused', { timeout: 10_000 }, async (t) => {
  const chats = [];
  const server = await fakeServer(t, (command, send) => {
    if (command.type === 'hello') return send(welcome(command));
    chats.push(command);
    if (chats.length === 1) send({ type: 'error', re: command.id, code: 'unavailable', message: 'recording is impaired' });
    else send({ type: 'ack', re: command.id, seq: 2, body: {} });
  });
  const c = client(t, { url: server.url });
  await c.connect();
  const refused = await c.send('s-1', 'chat.send', { text: 'in doubt' }).catch((e) => e);
  assert.equal(refused.code, 'unavailable');
  assert.equal(refused.retryable, true);
  const ack = await c.retry(refused);
  assert.equal(ack.seq, 2);
  assert.equal(chats.length, 2);
  assert.equal(chats[1].id, chats[0].id, 'the same id, so the server applies it at most once');
  assert.deepEqual(chats[1].body, chats[0].body);
  const other = client(t, { url: server.url });
  assert.throws(() => other.retry(refused), TypeError);
  assert.throws(() => c.retry(new TierlineError('unavailable', 'made up')), TypeError);
  assert.equal(new TierlineError('unavailable', 'made up').retryable, false);
});

test('backoff is full jitter under an exponential, capped ceiling', { timeout: 10_000 }, () => {
  const policy = DEFAULT_OPTIONS.reconnect;
  assert.equal(backoffDelay(policy, 1, () => 1), 200);
  assert.equal(backoffDelay(policy, 3, () => 1), 800);
  assert.equal(backoffDelay(policy, 12, () => 1), 10_000);
  assert.equal(backoffDelay(policy, 5, () => 0), 0);
  assert.equal(backoffDelay(policy, 2, () => 0.5), 200);
});

test('options are checked', { timeout: 10_000 }, () => {
  assert.throws(() => new TierlineClient({ url: 'http://x', token: 't', WebSocket }), TypeError);
  assert.throws(() => new TierlineClient({ url: 'ws://x/ws', WebSocket }), TypeError);
  assert.throws(() => new TierlineClient({ url: 'ws://x/ws', token: 't', sessionKey: 'k', WebSocket }), TypeError);
  assert.throws(() => new TierlineClient({ url: 'ws://x/ws', token: 't', WebSocket, requestTimeout: 0 }), RangeError);
  if (!globalThis.WebSocket) {
    assert.throws(() => new TierlineClient({ url: 'ws://x/ws', token: 't' }), /options\.WebSocket/);
  }
});
