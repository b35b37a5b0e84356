// Compiled only by `tsc` (see tsconfig.json), never run: checks that tierline.d.ts fits real use.
import { TierlineClient, TierlineError, type AnyEvent, type ConnectionState } from '@tierline/client';

export async function technician(url: string, token: string): Promise<void> {
  const client = new TierlineClient({ url, token, WebSocket, reconnect: { maxAttempts: 5 } });
  client.on('state', (state: ConnectionState, reason) => console.log(state, reason ?? ''));
  client.on('event', (event: AnyEvent) => {
    if (event.type === 'chat.message') console.log(event.seq, event.actor.name, event.body.text);
  });
  const welcome = await client.connect();
  console.log(welcome.you.id, welcome.limits.maxFrameBytes);

  const { session: id, key } = await client.createSession('T-1001', 'VPN drops every hour');
  console.log('give the user', key);
  const session = await client.join(id);
  console.log(session.snapshot?.owner, session.lastSeq);
  session.on('control.granted', (e) => console.log(e.body.to, e.body.consent));
  const off = session.on('participant.joined', (e) => console.log(e.body.participant.name, e.body.via));
  off();

  const ack = await session.chat('Hi, I am Ann from the help desk.');
  console.log(ack.seq);
  await session.chatTechnicians('Probably the old VPN client.');
  const invite = await session.invite({ tier: 'L2', ttlSeconds: 600, invitee: 't-bob' });
  console.log(invite.token, invite.expiresAt);
  await session.startShare({ stream: 'st-1', displays: [{ id: 'd1', width: 1920, height: 1080 }] });
  await session.signal('t-bob', 'offer', { sdp: 'v=0' });
  await session.pointer('d1', 10, 20);
  try {
    await session.grantControl('t-someone');
  } catch (err) {
    if (err instanceof TierlineError && err.code === 'forbidden') console.log('only the user grants');
  }
  try {
    await session.chat('Your certificate is renewed.');
  } catch (err) {
    if (err instanceof TierlineError && err.code === 'unavailable' && err.retryable) await client.retry(err);
  }
  const requests = await client.queue('email');
  console.log(requests.map((r) => r.summary));
  await session.end('resolved', 'Renewed the VPN certificate');
  await client.close();
}

export async function endUser(url: string, sessionKey: string, sessionId: string) {
  const client = new TierlineClient({ url, sessionKey, name: 'Uma' });
  await client.connect();
  const session = await client.join(sessionId);
  session.on('control.requested', (e) => void session.grantControl(e.body.by));
  return session;
}

// @ts-expect-error a client needs a token or a session key
new TierlineClient({ url: 'ws://x/ws' });
// @ts-expect-error not both
new TierlineClient({ url: 'ws://x/ws', token: 't', sessionKey: 'k' });
