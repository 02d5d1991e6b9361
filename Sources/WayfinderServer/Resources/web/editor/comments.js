/**
 * Comment threads on the map, a stage, a touchpoint or a card: the threads of what is selected
 * (or all), replies, resolve and reopen, and a new thread on the selection. The map shows a
 * marker with the number of open threads on each element (`onCounts`).
 */
import { el, button, when, targetName } from './dom.js';

/** The address a comment on `selection` takes. */
export function targetOf(selection) {
  if (selection?.kind === 'touchpoint') return `touchpoint:${selection.id}`;
  if (selection?.kind === 'stage') return `stage:${selection.id}`;
  return 'map';
}

/** The element a thread's target belongs to: `stage:ID` or `touchpoint:ID` (a card's touchpoint), or `map`. */
export function elementOf(target) {
  return (target ?? 'map').split('/')[0];
}

export function createComments({ root, client, canEdit, onCounts, onProblem }) {
  let threads = [];
  let doc = null;
  let selection = { kind: 'map' };
  let showAll = false;
  let showResolved = false;

  async function load() {
    try {
      threads = (await client.comments()).threads ?? [];
    } catch (error) {
      onProblem(`The comments could not be loaded: ${error.message}`);
      threads = [];
    }
    counts();
    render();
  }

  function counts() {
    const open = {};
    for (const thread of threads) {
      if (thread.resolved) continue;
      const key = elementOf(thread.comment.target);
      open[key] = (open[key] ?? 0) + 1;
    }
    onCounts(open);
  }

  function update(nextDoc, nextSelection) {
    doc = nextDoc;
    selection = nextSelection;
    render();
  }

  async function act(work) {
    try {
      await work();
      await load();
    } catch (error) {
      onProblem(error.body?.error?.message ?? error.message);
    }
  }

  function render() {
    if (!doc) return;
    const here = targetOf(selection);
    const visible = threads.filter((t) => (showResolved || !t.resolved) && (showAll || selection.kind === 'map' || elementOf(t.comment.target) === here));
    const heading = showAll || selection.kind === 'map' ? 'All comments' : `Comments on ${targetName(here, doc)}`;
    const filters = el('div', { class: 'filters' },
      checkbox('Every element', showAll, (on) => { showAll = on; render(); }),
      checkbox('Resolved too', showResolved, (on) => { showResolved = on; render(); }));
    const list = el('ol', { class: 'threads' });
    for (const thread of visible) list.append(threadItem(thread));
    if (visible.length === 0) list.append(el('li', { class: 'hint', text: 'No comments here yet.' }));
    const parts = [el('h2', { text: heading }), filters, list];
    if (canEdit) parts.push(newThreadForm(here));
    root.replaceChildren(...parts);
  }

  function checkbox(label, checked, change) {
    const id = `comments-${label.replace(/\W+/g, '-').toLowerCase()}`;
    const box = el('input', { type: 'checkbox', id, checked });
    box.addEventListener('change', () => change(box.checked));
    return el('span', { class: 'check' }, box, el('label', { for: id, text: label }));
  }

  function threadItem(thread) {
    const first = thread.comment;
    const item = el('li', { class: `thread${thread.resolved ? ' resolved' : ''}`, 'data-thread': first.id },
      el('p', { class: 'target', text: targetName(first.target, doc) + (thread.targetExists === false ? ' (no longer on the map)' : '') }),
      message(first));
    for (const reply of thread.replies ?? []) item.append(message(reply, true));
    if (thread.resolved) item.append(el('p', { class: 'mark', text: `Resolved by ${thread.resolved.by}, ${when(thread.resolved.at)}` }));
    if (canEdit) {
      const actions = el('div', { class: 'actions' });
      if (!thread.resolved) {
        const field = el('textarea', { rows: 1, 'aria-label': `Reply to ${first.author}`, placeholder: 'Reply…', maxlength: 10000 });
        actions.append(field, button('Reply', () => field.value.trim() && act(() => client.reply(first.id, field.value.trim()))),
          button('Resolve', () => act(() => client.resolve(first.id)), { 'aria-label': `Resolve the thread of ${first.author}` }));
      } else {
        actions.append(button('Reopen', () => act(() => client.reopen(first.id)), { 'aria-label': `Reopen the thread of ${first.author}` }));
      }
      item.append(actions);
    }
    return item;
  }

  function message(comment, reply = false) {
    return el('div', { class: reply ? 'message reply' : 'message' },
      el('p', { class: 'byline' }, el('strong', { text: comment.author }), ` · ${when(comment.created)}`),
      el('p', { class: 'body', text: comment.body }));
  }

  function newThreadForm(target) {
    const field = el('textarea', { rows: 3, id: 'new-comment', maxlength: 10000 });
    const form = el('form', { class: 'new-thread' },
      el('label', { for: 'new-comment', text: `New comment on ${targetName(target, doc)}` }), field,
      el('button', { type: 'submit', text: 'Comment' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = field.value.trim();
      if (body) act(() => client.addComment(target, body));
    });
    return form;
  }

  return { load, update, get threads() { return threads; } };
}
