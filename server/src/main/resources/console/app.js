// The console's entry point: a hash router over the views, and the header (who is signed in, the
// connection's state, sign out). Routes:
//   #/                                start page (sign in)
//   #/technician  #/user  #/auditor   the views, for whoever this tab is signed in as
//   #/join?session=…&invite=…         an invitation link for a technician
//   #/key?session=…&key=…             a session-key link for an end user
import { h, fill, badge, roleName } from './dom.js';
import * as auth from './auth.js';
import { startPage, keyPage } from './start.js';
import { technicianView } from './technician.js';
import { endUserView } from './enduser.js';
import { auditorView } from './auditor.js';

const main = document.getElementById('main');
const me = document.getElementById('me');
let dispose = null;

const VIEW_OF_ROLE = { technician: '#/technician', end_user: '#/user', auditor: '#/auditor' };

function parse() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { path, params: Object.fromEntries(new URLSearchParams(query)) };
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/** Where a signed-in tab belongs: an invitation link it was opened with before signing in, or its role's view. */
function home() {
  const next = auth.memory.get('next');
  const a = auth.current();
  if (next?.startsWith('#/join') && a?.actor?.role === 'technician') return next;
  return VIEW_OF_ROLE[a?.actor?.role] ?? '#/';
}

/** After signing in: on to home(), which uses up a remembered invitation link. */
function enter() {
  const target = home();
  auth.memory.set('next', null);
  go(target);
}

function header(connection) {
  const a = auth.current();
  if (!a) return fill(me);
  const state = connection ? h('span', { class: `conn conn-${connection}`, role: 'status' }, connection) : null;
  fill(me,
    h('span', { class: 'who', title: roleName(a.actor) }, a.actor.name, ' ', badge(a.actor)),
    state,
    h('button', { type: 'button', class: 'quiet', onclick: () => { auth.signOut(); go('#/'); } }, 'Sign out'));
}

async function route() {
  const old = dispose;
  dispose = null;
  if (old) await old();
  const { path, params } = parse();
  const a = auth.current();
  const ctx = { params, go, home, enter, setConnection: header };
  header();

  if (path === 'join' && a?.actor?.role !== 'technician') {
    // Sign in first, then come back to the invitation.
    auth.memory.set('next', location.hash);
    dispose = startPage(main, { ...ctx, notice: 'Sign in as a technician to join the session you were invited to.' });
  } else if (path === 'key') {
    dispose = keyPage(main, ctx);
  } else if (!a || path === '') {
    dispose = startPage(main, ctx);
  } else if (path === 'technician' || path === 'join') {
    if (a.actor.role !== 'technician') return go(home());
    dispose = technicianView(main, ctx);
  } else if (path === 'user') {
    if (a.actor.role !== 'end_user') return go(home());
    dispose = endUserView(main, ctx);
  } else if (path === 'auditor') {
    if (a.actor.role !== 'auditor') return go(home());
    dispose = auditorView(main, ctx);
  } else {
    go(home());
  }
}

document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault(); // the hash is the router's
  main.focus();
});
window.addEventListener('hashchange', route);
route();
