// The SDK against a real Tierline server (see helpers.js for how it is started).
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { TierlineClient, TierlineError } from '../tierline.js';
import { startServer, collect } from './helpers.js';

let server;
const tokens = {};
const open = [];

before(async () => {
  server = await startServer();
  [tokens.ann, tokens.bob, tokens.eve] = await Promise.all([
    server.token('technician', 'Ann', 'L1'),
    server.token('technician', 'Bob', 'L2'),
    server.token('end_user', 'Eve'),
  ]);
});

after(() => server?.stop());

afterEach(() => Promise.all(open.splice(0).map((c) => c.close())));

function client(options) {
  const c = new TierlineClient({ url: server.url, WebSocket, requestTimeout: 10_000, ...options });
  open.push(c);
  return c;
}

async function connected(options) {
  const c = client(options);
  await c.connect();
  return c;
}

/** Ann creates a session and is in it; Uma joins with its session key. */
async function sessionWithUser() {
  const ann = await connected({ token: tokens.ann });
  const opened = await ann.createSession('T-1001', 'VPN drops every hour');
  const annSession = await ann.join(opened.session);
  const annEvents = collect(annSession);
  const uma = await connected({ sessionKey: opened.key, name: 'Uma' });
  const umaSession = await uma.join(opened.session);
  const umaEvents = collect(umaSession);
  return { ann, annSession, annEvents, uma, umaSession, umaEvents, opened };
}

const chats = (c) => c.events.filter((e) => e.type === 'chat.message').map((e) => [e.seq, e.actor.id, e.body.text]);

test('hello is answered with the welcome', { timeout: 30_000 }, async () => {
  const c = client({ token: tokens.ann });
  const states = [];
  c.on('state', (state) => states.push(state));
  const welcome = await c.connect();
  assert.deepEqual(welcome.you, { id: 't-ann', name: 'Ann', role: 'technician', tier: 'L1' });
  assert.equal(welcome.server.protocol, 1);
  assert.ok(welcome.limits.maxFrameBytes > 0);
  assert.equal(c.state, 'connected');
  await c.close();
  assert.deepEqual(states, ['connecting', 'connected', 'closed']);
});

test('a bad token rejects connect() with unauthenticated and is not retried', { timeout: 30_000 }, async () => {
  const c = client({ token: 'not-a-token', reconnect: { initialDelay: 10 } });
  const states = [];
  c.on('state', (state) => states.push(state));
  await assert.rejects(c.connect(), (err) => err instanceof TierlineError && err.code === 'unauthenticated');
  assert.equal(c.state, 'closed');
  assert.deepEqual(states, ['connecting', 'closed']);
  await assert.rejects(c.send(null, 'queue.list'), { code: 'unavailable' });
});

test('technician creates a session, the end user joins with the key, chat flows both ways in seq order', { timeout: 30_000 }, async () => {
  const ann = await connected({ token: tokens.ann });
  const opened = await ann.createSession('T-1002', 'Printer offline');
  assert.match(opened.session, /^s-/);
  assert.match(opened.key, /^sk_/);
  const annSession = await ann.join(opened.session);
  assert.equal(annSession.snapshot.owner, 't-ann');
  assert.equal(annSession.participantId, 't-ann');
  const annEvents = collect(annSession);

  const uma = client({ sessionKey: opened.key, name: 'Uma' });
  const welcome = await uma.connect();
  assert.equal(welcome.you.id, `user-${opened.session}`);
  assert.equal(welcome.you.role, 'end_user');
  const umaSession = await uma.join(opened.session);
  assert.ok(umaSession.snapshot.participants.some((p) => p.id === 't-ann'));
  const umaChats = collect(umaSession, 'chat.message'); // typed listener: chat only
  const joined = await annEvents.until((e) => e.type === 'participant.joined', 'Uma joining');
  assert.equal(joined.body.via, 'key');

  const ack = await annSession.chat('Hi Uma, I am Ann.');
  assert.equal(ack.type, 'ack');
  assert.ok(ack.seq > joined.seq);
  await umaSession.chat('Hi Ann, the printer is offline.');
  await annSession.chat('Let me look.');
  for (const events of [annEvents, umaChats]) {
    await events.until((e) => e.body.text === 'Let me look.', 'the last chat');
  }
  const expected = [
    ['t-ann', 'Hi Uma, I am Ann.'],
    [`user-${opened.session}`, 'Hi Ann, the printer is offline.'],
    ['t-ann', 'Let me look.'],
  ];
  assert.deepEqual(chats(annEvents).map(([, who, text]) => [who, text]), expected);
  assert.deepEqual(chats(umaChats), chats(annEvents));
  assert.equal(chats(annEvents)[0][0], ack.seq);
  const seqs = annEvents.events.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(umaChats.events.every((e) => e.type === 'chat.message'), true);
  await annSession.end('resolved', 'Restarted the spooler');
});

test('technician-only chat never reaches the end user', { timeout: 30_000 }, async () => {
  const { annSession, annEvents, umaSession, umaEvents } = await sessionWithUser();
  const internal = await annSession.chatTechnicians('Probably the old VPN client.');
  const visible = await annSession.chat('Can you open the VPN app?');
  await umaEvents.until((e) => e.body?.text === 'Can you open the VPN app?', 'the public chat');
  await annEvents.until((e) => e.seq === visible.seq, 'the public chat (Ann)');

  assert.ok(annEvents.events.some((e) => e.seq === internal.seq && e.audience === 'technicians'));
  assert.ok(!umaEvents.events.some((e) => e.seq === internal.seq), 'the user saw a technician-only event');
  assert.ok(!umaEvents.events.some((e) => e.body?.text === 'Probably the old VPN client.'));
  await assert.rejects(umaSession.chatTechnicians('let me in'), { code: 'forbidden' });
  await annSession.end('resolved', 'ok');
});

test('an L2 is invited and joins with the invitation', { timeout: 30_000 }, async () => {
  const { annSession, annEvents, opened } = await sessionWithUser();
  const invite = await annSession.invite({ tier: 'L2', invitee: 't-bob', ttlSeconds: 60 });
  assert.match(invite.token, /^inv_/);
  const created = await annEvents.until((e) => e.type === 'invite.created', 'invite.created');
  assert.equal(created.body.invite, invite.invite);
  assert.equal(created.body.token, undefined); // the secret is never broadcast

  const bob = await connected({ token: tokens.bob });
  const bobSession = await bob.join(opened.session, invite.token);
  assert.deepEqual(bobSession.snapshot.participants.map((p) => p.id).sort(),
    ['t-ann', 't-bob', `user-${opened.session}`].sort());
  const joined = await annEvents.until((e) => e.type === 'participant.joined' && e.body.participant.id === 't-bob',
    'Bob joining');
  assert.equal(joined.body.via, 'invite');
  await annSession.end('resolved', 'ok');
});

test('control: requested by a technician, granted by the user, hand-off needs consent, released', { timeout: 30_000 }, async () => {
  const { annSession, umaSession, umaEvents, opened } = await sessionWithUser();
  const invite = await annSession.invite({ tier: 'L2', invitee: 't-bob', ttlSeconds: 60 });
  const bob = await connected({ token: tokens.bob });
  const bobSession = await bob.join(opened.session, invite.token);
  const control = () => umaEvents.events.filter((e) => e.type.startsWith('control.'));

  await annSession.requestControl();
  const requested = await umaEvents.until((e) => e.type === 'control.requested', 'control.requested');
  assert.equal(requested.body.by, 't-ann');
  await umaSession.grantControl('t-ann');

  const handoff = await annSession.handoffControl('t-bob');
  const pending = await umaEvents.until((e) => e.seq === handoff.seq, 'the hand-off event');
  assert.equal(pending.type, 'control.handoff.requested'); // not granted: the user must consent
  assert.deepEqual(pending.body, { from: 't-ann', to: 't-bob' });
  await assert.rejects(bobSession.releaseControl(), { code: 'conflict' }); // Bob does not control yet

  await umaSession.grantControl('t-bob');
  await bobSession.releaseControl();
  await umaEvents.until((e) => e.type === 'control.released', 'control.released');
  assert.deepEqual(control().map((e) => [e.type, e.body]), [
    ['control.requested', { by: 't-ann' }],
    ['control.granted', { to: 't-ann', consent: 'user' }],
    ['control.handoff.requested', { from: 't-ann', to: 't-bob' }],
    ['control.granted', { from: 't-ann', to: 't-bob', consent: 'user' }],
    ['control.released', { from: 't-bob', reason: 'released' }],
  ]);
  await annSession.end('resolved', 'ok');
});

test('an error reply rejects the promise with its code', { timeout: 30_000 }, async () => {
  const { annSession, opened } = await sessionWithUser();
  const bob = await connected({ token: tokens.bob });
  await assert.rejects(bob.send(opened.session, 'chat.send', { text: 'not my session' }), (err) => {
    assert.ok(err instanceof TierlineError);
    assert.ok(['forbidden', 'not_found'].includes(err.code), err.code);
    assert.ok(err.message.length > 0);
    return true;
  });
  await assert.rejects(bob.join(opened.session, 'inv_no-such-invitation'), { code: 'expired' });
  await assert.rejects(annSession.grantControl('t-ann'), { code: 'forbidden' }); // only the user grants
  await assert.rejects(annSession.send('chat.send', {}), { code: 'bad_request' });
  await annSession.end('resolved', 'ok');
});

test('a command without a reply in time rejects with unavailable', { timeout: 30_000 }, async () => {
  // Never connected, so nothing can answer.
  const c = client({ token: tokens.ann, requestTimeout: 50 });
  await assert.rejects(c.queue(), (err) => err.code === 'unavailable' && /no reply within 50 ms/.test(err.message));
});

test('an end user opens a request, a technician finds it in the queue and accepts it', { timeout: 30_000 }, async () => {
  const eve = await connected({ token: tokens.eve });
  const request = await eve.openRequest('email', 'Outlook keeps asking for my password');
  const eveEvents = collect(eve.session(request.session));
  const ann = await connected({ token: tokens.ann });
  const queued = await ann.queue('email');
  assert.ok(queued.some((r) => r.session === request.session && r.ticket === request.ticket));
  const annSession = await ann.accept(request.session);
  assert.equal(annSession.snapshot.owner, 't-ann');
  const accepted = await eveEvents.until((e) => e.type === 'session.accepted', 'session.accepted');
  assert.equal(accepted.body.owner, 't-ann');
  await annSession.end('resolved', 'Reset the password');
  await eveEvents.until((e) => e.type === 'session.ended', 'session.ended');
  assert.equal(eve.session(request.session), null);
});
