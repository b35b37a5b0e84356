// The start page: one-click development sign-in per role, a pasted token, or a session key; and the
// page an end user's session-key link opens.
import { h, fill, field, panel, errorLine, act, badge } from './dom.js';
import * as auth from './auth.js';

/** The people of the README's walk-through: the whole L1 → L2 → L4 flow in a few tabs. */
const PEOPLE = [
  { role: 'end_user', name: 'Uma', label: 'End user', what: 'asks for help, consents to control, shares the screen' },
  { role: 'technician', tier: 'L1', name: 'Ann', label: 'L1 technician', what: 'help desk: takes requests from the queue' },
  { role: 'technician', tier: 'L2', name: 'Bob', label: 'L2 technician', what: 'joins when invited, can take over' },
  { role: 'technician', tier: 'L3', name: 'Lee', label: 'L3 technician', what: 'specialist, joins when invited' },
  { role: 'technician', tier: 'L4', name: 'Vic', label: 'L4 vendor', what: 'outside vendor: invitation only, for a time window' },
  { role: 'auditor', name: 'Audrey', label: 'Auditor', what: 'searches, verifies and replays recorded sessions' },
];

export function startPage(main, ctx) {
  const signed = auth.current();
  const devOut = errorLine();
  const devList = h('ul', { class: 'people' });
  const devSection = panel('Try it: sign in with one click',
    h('p', {}, 'Development mode: the server mints a token for whoever you pick. Use one browser tab per person — for example Uma, Ann and Bob in three tabs.'),
    devList, devOut);
  devSection.hidden = true;

  const signInWith = async (button, person) => act(button, devOut, async () => {
    const { token, actor } = await auth.devToken(person);
    auth.signIn({ token, actor });
    ctx.enter();
  });

  for (const p of PEOPLE) {
    const button = h('button', { type: 'button', class: 'person' },
      h('span', { class: 'person-name' }, p.name, ' ', badge(p)),
      h('span', { class: 'person-role' }, p.label),
      h('small', {}, p.what));
    button.setAttribute('aria-label', `Sign in as ${p.name}, ${p.label}`);
    button.addEventListener('click', () => signInWith(button, p));
    devList.append(h('li', {}, button));
  }

  // Anyone else, still in dev mode.
  const other = {
    name: field('Name', 'input', { type: 'text', required: true, maxlength: 80, autocomplete: 'off' }),
    role: field('Role', 'select', {}, [['technician:L1', 'L1 technician'], ['technician:L2', 'L2 technician'],
      ['technician:L3', 'L3 technician'], ['technician:L4', 'L4 vendor'], ['end_user:', 'End user'], ['auditor:', 'Auditor']]),
  };
  const otherButton = h('button', { type: 'submit' }, 'Sign in');
  const otherForm = h('form', { class: 'inline' }, other.name.row, other.role.row, otherButton);
  otherForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const [role, tier] = other.role.input.value.split(':');
    signInWith(otherButton, { role, tier: tier || undefined, name: other.name.input.value.trim() });
  });
  devSection.append(h('details', {}, h('summary', {}, 'Someone else'), otherForm));

  // A token from the identity provider.
  const tokenField = field('Token (JWT)', 'textarea', { rows: 3, required: true, spellcheck: 'false', autocomplete: 'off' });
  const tokenOut = errorLine();
  const tokenForm = h('form', {}, tokenField.row, h('button', { type: 'submit' }, 'Sign in with token'), tokenOut);
  tokenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    act(null, tokenOut, async () => {
      const token = tokenField.input.value.trim();
      auth.signIn({ token, actor: auth.claims(token) });
      ctx.enter();
    });
  });

  // An end user with a session key from a technician.
  const keyForm = sessionKeyForm(ctx, {});

  const intro = h('div', { class: 'intro' },
    h('h1', {}, 'Tierline console'),
    h('p', {}, 'Live support sessions shared by the end user and every tier of technicians, recorded as a signed transcript.'),
    ctx.notice ? h('p', { class: 'notice', role: 'status' }, ctx.notice) : null,
    signed ? h('p', { class: 'notice' }, 'Signed in as ', signed.actor.name, ' ', badge(signed.actor), '. ',
      h('a', { href: ctx.home() }, 'Continue'), ' or sign in as someone else below.') : null);

  fill(main, intro, h('div', { class: 'grid start' }, devSection,
    panel('Sign in with a token', h('p', {}, 'A token from your identity provider or app backend.'), tokenForm),
    panel('Join with a session key', h('p', {}, 'For end users: the session id and key your technician gave you.'), keyForm)));

  let live = true;
  auth.devMode().then((on) => {
    if (live && on) devSection.hidden = false;
  });
  return () => { live = false; };
}

function sessionKeyForm(ctx, { session = '', key = '' }) {
  const f = {
    session: field('Session id', 'input', { type: 'text', required: true, value: session, autocomplete: 'off', spellcheck: 'false' }),
    key: field('Session key', 'input', { type: 'password', required: true, value: key, autocomplete: 'off' }),
    name: field('Your name', 'input', { type: 'text', required: true, maxlength: 80, autocomplete: 'name' }),
  };
  const out = errorLine();
  const form = h('form', {}, f.session.row, f.key.row, f.name.row, h('button', { type: 'submit' }, 'Join the session'), out);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = f.name.input.value.trim();
    auth.signIn({ sessionKey: f.key.input.value.trim(), session: f.session.input.value.trim(), name,
      actor: { role: 'end_user', name } });
    ctx.go('#/user');
  });
  return form;
}

/** #/key?session=…&key=…: the link a technician gives an end user. */
export function keyPage(main, ctx) {
  const { session = '', key = '' } = ctx.params;
  history.replaceState(null, '', '#/key'); // keep the key out of the history
  fill(main, h('div', { class: 'narrow' },
    panel('Join your support session',
      h('p', {}, 'A technician invited you to a live support session. Tell them your name and join.'),
      sessionKeyForm(ctx, { session, key }))));
  main.querySelector('input[autocomplete="name"]')?.focus();
  return () => {};
}
