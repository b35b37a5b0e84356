// Reconnect and resume against a real server, through a proxy that cuts the end user's connection
// while both sides chat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { TierlineClient } from '../tierline.js';
import { startServer, startProxy, collect, within } from './helpers.js';

let server;
let proxy;

before(async () => {
  server = await startServer();
  proxy = await startProxy(server.port);
});

after(async () => {
  await proxy?.close();
  await server?.stop();
});

test('after connection cuts the SDK resumes: every seq exactly once, in order, every command applied once', { timeout: 60_000 }, async (t) => {
  const options = { WebSocket, requestTimeout: 15_000, reconnect: { initialDelay: 20, maxDelay: 200 } };
  const ann = new TierlineClient({ ...options, url: server.url, token: await server.token('technician', 'Ann', 'L1') });
  t.after(() => ann.close());
  await ann.connect();
  const opened = await ann.createSession('T-2001', 'Laptop keeps disconnecting');
  const annSession = await ann.join(opened.session);
  const annEvents = collect(annSession); // Ann is never cut: her stream is the reference

  const uma = new TierlineClient({ ...options, url: `ws://127.0.0.1:${proxy.port}/ws`, sessionKey: opened.key, name: 'Uma' });
  t.after(() => uma.close());
  const states = [];
  uma.on('state', (state, reason) => states.push([state, reason]));
  await uma.connect();
  const umaSession = await uma.join(opened.session);
  const joinedAt = umaSession.snapshot.seq;
  const umaEvents = collect(umaSession);
  const umaStream = collect(uma); // the client-wide stream gets the same events

  const umaSends = [];
  for (let i = 1; i <= 30; i++) {
    if (i % 10 === 0) {
      assert.equal(proxy.cut(), 1, 'one connection to cut');
      const back = within(new Promise((resolve) => {
        const off = uma.on('state', (s) => { if (s === 'connected') { off(); resolve(); } });
      }), 10_000, 'Uma to reconnect');
      umaSends.push(umaSession.chat(`uma ${i}`)); // issued while Uma is away: queued, then sent
      await annSession.chat(`ann ${i}`); // sent while Uma is away: she must get it by resuming
      await back;
    } else {
      umaSends.push(umaSession.chat(`uma ${i}`)); // in flight when a cut comes: resent with the same id
      await annSession.chat(`ann ${i}`);
    }
  }
  await Promise.all(umaSends);
  const last = await annSession.chat('done');
  await umaEvents.until((e) => e.seq === last.seq, 'Uma to see the last chat', 15_000);
  await annEvents.until((e) => e.seq === last.seq, 'Ann to see the last chat');

  assert.equal(states.filter(([s]) => s === 'reconnecting').length, 3);
  assert.deepEqual(states.at(-1), ['connected', null]);

  const recorded = (c) => c.events.filter((e) => e.seq != null && e.type !== 'session.snapshot').map((e) => e.seq);
  const umaSeqs = recorded(umaEvents);
  const reference = recorded(annEvents).filter((seq) => seq > joinedAt);
  assert.deepEqual(umaSeqs, reference, 'Uma saw every seq once, in order');
  assert.deepEqual(umaSeqs, Array.from({ length: umaSeqs.length }, (_, i) => joinedAt + 1 + i), 'no gaps');
  assert.deepEqual(recorded(umaStream), umaSeqs);
  assert.equal(umaEvents.events.filter((e) => e.type === 'session.snapshot').length, 3, 'one snapshot per resume');
  assert.ok(annEvents.events.some((e) => e.type === 'participant.disconnected'));

  const texts = chats(annEvents);
  for (let i = 1; i <= 30; i++) {
    assert.equal(texts.filter((t) => t === `uma ${i}`).length, 1, `uma ${i} applied exactly once`);
    assert.equal(texts.filter((t) => t === `ann ${i}`).length, 1, `ann ${i} applied exactly once`);
  }
  assert.deepEqual(chats(umaEvents), texts);

  await annSession.end('resolved', 'ok');
});

function chats(collector) {
  return collector.events.filter((e) => e.type === 'chat.message').map((e) => e.body.text);
}
