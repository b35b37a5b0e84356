// Who this tab is signed in as. Kept in sessionStorage: each browser tab is its own person, so
// three tabs can be Uma, Ann and Bob at once, and a reload keeps the tab's identity.

const KEY = 'tierline.auth';

/** {token, actor} for a token sign-in, or {sessionKey, session, name, actor} for an end user with a key. */
export function current() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
  } catch {
    return null;
  }
}

export function signIn(auth) {
  sessionStorage.setItem(KEY, JSON.stringify(auth));
}

export function signOut() {
  for (const k of Object.keys(sessionStorage)) if (k.startsWith('tierline.')) sessionStorage.removeItem(k);
}

/** Small per-tab memory (the session being worked on, the invitation links made here, …). */
export const memory = {
  get(name) {
    try {
      return JSON.parse(sessionStorage.getItem(`tierline.${name}`) ?? 'null');
    } catch {
      return null;
    }
  },
  set(name, value) {
    if (value == null) sessionStorage.removeItem(`tierline.${name}`);
    else sessionStorage.setItem(`tierline.${name}`, JSON.stringify(value));
  },
};

/** The relay's WebSocket address on the server that served this page. */
export function wsUrl() {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/**
 * Whether the server mints development tokens. GET on the route answers 405 (use POST) in dev mode
 * and 404 without it, so asking mints nothing.
 */
export async function devMode() {
  try {
    const res = await fetch('/api/dev/tokens', { method: 'GET' });
    return res.status === 405;
  } catch {
    return false;
  }
}

/** Mints a development token: `{token, actor}`. */
export async function devToken(person) {
  const res = await fetch('/api/dev/tokens', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(person),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message ?? `sign-in failed (HTTP ${res.status})`);
  return body;
}

/**
 * The claims of a token, read without checking it (the server checks it on hello); only used to
 * pick the right view for a pasted token.
 */
export function claims(token) {
  const part = String(token).split('.')[1];
  if (!part) throw new Error('that is not a JWT (three parts separated by dots)');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  const c = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (ch) => ch.charCodeAt(0))));
  return { id: c.sub, name: c.name ?? c.sub, role: c.role, tier: c.tier };
}

/** GET on the REST API with this tab's token; JSON unless `text` is set. */
export async function api(path, { text = false } = {}) {
  const auth = current();
  const res = await fetch(path, { headers: auth?.token ? { Authorization: `Bearer ${auth.token}` } : {} });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Error(body.message ?? `HTTP ${res.status}`);
  }
  return text ? res.text() : res.json();
}
