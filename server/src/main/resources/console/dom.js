// Tiny DOM helpers. Everything the console shows is built with these: strings always become text
// nodes, so user-provided text (names, chat, notes, summaries) can never turn into markup.

/**
 * h('button', {class: 'x', onclick: fn, disabled: true}, 'Label', childNode, ...)
 * Attributes: `class`, `text`, `on<event>` handlers, booleans (true sets, false/null omits), the rest as attributes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'text') el.textContent = value;
    else if (name === 'value') el.value = value;
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Rebuilds `el`'s children only when `key` differs from last time, so a periodic or per-event render
 * does not replace a button under a keyboard user's focus.
 */
export function fillIfChanged(el, key, build) {
  if (el.dataset.renderKey === key) return el;
  el.dataset.renderKey = key;
  return fill(el, build());
}

let nextId = 0;
/** A unique id for label/for pairs. */
export function uid(prefix = 'f') {
  return `${prefix}-${++nextId}`;
}

/** A labelled form field: returns {row, input}. `kind` is input (with type), select or textarea. */
export function field(label, kind = 'input', attrs = {}, options = []) {
  const id = uid();
  const input = h(kind, { id, ...attrs }, options.map(([value, text]) => h('option', { value }, text)));
  const hint = attrs['data-hint'] ? h('small', { id: `${id}-hint`, class: 'hint' }, attrs['data-hint']) : null;
  if (hint) input.setAttribute('aria-describedby', hint.id);
  const row = h('div', { class: kind === 'input' && attrs.type === 'checkbox' ? 'field check' : 'field' },
    kind === 'input' && attrs.type === 'checkbox' ? [input, h('label', { for: id }, label)] : [h('label', { for: id }, label), input],
    hint);
  return { row, input };
}

/** A panel: a <section> with a heading, labelled by it. */
export function panel(title, ...children) {
  const id = uid('p');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** The badge for a role/tier: L1-L4, "user", "auditor" or "server". */
export function badge(actor) {
  if (!actor) return null;
  const text = actor.tier ?? { end_user: 'user', auditor: 'auditor', system: 'server' }[actor.role] ?? actor.role;
  return h('span', { class: `badge badge-${text}`, title: roleName(actor) }, text);
}

export function roleName(actor) {
  if (actor.role === 'technician') return actor.tier === 'L4' ? 'L4 vendor technician' : `${actor.tier} technician`;
  return { end_user: 'end user', auditor: 'auditor', system: 'server' }[actor.role] ?? actor.role;
}

/** "Ann" followed by its badge. */
export function who(actor) {
  if (!actor) return h('span', {}, 'someone');
  return h('span', { class: 'who' }, actor.name ?? actor.id, ' ', badge(actor));
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString([], { dateStyle: 'medium', timeStyle: 'medium' });
}

/**
 * Runs an async action for a button, ignoring repeat clicks while it runs, and shows a failure in
 * `out` (an element with role=alert). Returns the action's result, or undefined when it failed.
 * The button is not disabled: the views decide that from the session's state.
 */
export async function act(button, out, fn) {
  if (button?.getAttribute('aria-busy') === 'true') return undefined;
  if (out) fill(out);
  button?.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } catch (err) {
    if (out) fill(out, err?.message ?? String(err));
    else console.error(err);
    return undefined;
  } finally {
    button?.removeAttribute('aria-busy');
  }
}

/** An empty role=alert paragraph for a form's errors. */
export function errorLine() {
  return h('p', { class: 'error', role: 'alert' });
}
