/**
 * Comment threads on the map, a stage, a touchpoint or a card: the threads of what is selected
 * (a touchpoint's with those of its cards), or of one card (`openOn`), or all; replies, resolve and
 * reopen, and a new thread on the selection. The map shows a marker with the number of open threads
 * on each element (`onCounts`), a card's counted on its touchpoint. When an edit made here moves
 * cards in their lane, their threads follow (`follow`).
 */
import { el, button, when, targetName } from './dom.js';
import { cardMoves } from './anchors.js';

const CARD_KINDS = { actions: 'action', thoughts: 'thought', questions: 'question', pain_points: 'pain point', opportunities: 'opportunity', kpis: 'KPI' };

/**
 * What a card's thread is on, named with the card's text (`Pain point “Slow delivery” of “Checkout”`),
 * with `removed` when the card is no longer there; null for a target that is not a card.
 */
export function cardName(target, doc) {
  const [head, lanePart, index] = String(target ?? '').split('/');
  if (!head.startsWith('touchpoint:') || !lanePart?.startsWith('lane:')) return null;
  const id = head.slice('touchpoint:'.length);
  const lane = lanePart.slice('lane:'.length);
  const touchpoint = doc?.touchpoints?.find((t) => t.id === id);
  const of = `of “${touchpoint?.name ?? id}”`;
  const free = (doc?.lanes ?? []).find((l) => l.id === lane);
  const item = index === 'removed' ? undefined : CARD_KINDS[lane] ? touchpoint?.[lane]?.[Number(index)] : free?.cards?.[id];
  const text = typeof item === 'string' ? item : item?.text ?? item?.name;
  if (text === undefined) return { name: `a removed card ${of}`, removed: true };
  const kind = CARD_KINDS[lane] ?? `${free?.name ?? lane} card`;
  return { name: `${kind.charAt(0).toUpperCase()}${kind.slice(1)} “${text}” ${of}`, removed: false };
}

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
  /** A card whose threads are shown (`touchpoint:ID/lane:LANE/INDEX`), while its touchpoint is selected. */
  let card = null;
  /** Moves are sent one after the other, in the order of the edits. */
  let moving = Promise.resolve();
  let showAll = false;
  let showResolved = false;

  /** Reads the threads and draws them; `changedOnly` leaves the panel as it is when they are the ones shown. */
  async function load({ changedOnly = false } = {}) {
    const before = JSON.stringify(threads);
    try {
      threads = (await client.comments()).threads ?? [];
    } catch (error) {
      onProblem(`The comments could not be loaded: ${error.message}`);
      if (changedOnly) return;
      threads = [];
    }
    if (changedOnly && JSON.stringify(threads) === before) return;
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
    if (card && !(selection?.kind === 'touchpoint' && card.startsWith(`touchpoint:${selection.id}/`))) card = null;
    render();
  }

  /**
   * Shows the threads of one card (`touchpoint:ID/lane:LANE/INDEX`, its touchpoint selected) with the
   * form for a new one in focus; null shows those of the whole selection again.
   */
  function openOn(target) {
    card = target;
    showAll = false;
    render();
    if (target) root.querySelector('#new-comment')?.focus();
  }

  /**
   * After an edit made in this browser (never one heard from a colleague, whose browser does it):
   * the threads of cards that moved in their lane go with them, those of deleted cards to “removed”.
   */
  function follow(before, op) {
    const moves = cardMoves(before, op);
    if (moves.length === 0) return;
    const at = new Map(moves.map((m) => [m.from, m.to]));
    // Shown at once; the server's answer comes with the next load.
    threads = threads.map((t) => (at.has(t.comment.target) ? { ...t, comment: { ...t.comment, target: at.get(t.comment.target) } } : t));
    if (card && at.has(card)) card = at.get(card).endsWith('/removed') ? null : at.get(card);
    counts();
    render();
    moving = moving.then(() => client.retargetCards(moves)).then(() => load(), (error) => {
      onProblem(`The comments on moved cards could not follow them: ${error.body?.error?.message ?? error.message}`);
      return load();
    });
  }

  /** Does `work`; once it is done, `field` (what was typed for it) is emptied and the threads read again. */
  async function act(work, field = null) {
    try {
      await work();
      if (field) field.value = '';
      await load();
    } catch (error) {
      onProblem(error.body?.error?.message ?? error.message);
    }
  }

  function render() {
    if (!doc) return;
    const here = card ?? targetOf(selection);
    const on = (t) => (card ? t.comment.target === card : elementOf(t.comment.target) === here);
    const visible = threads.filter((t) => (showResolved || !t.resolved) && (showAll || selection.kind === 'map' || on(t)));
    const heading = showAll || selection.kind === 'map' ? 'All comments' : `Comments on ${label(here)}`;
    const filters = el('div', { class: 'filters' },
      checkbox('Every element', showAll, (on) => { showAll = on; render(); }),
      checkbox('Resolved too', showResolved, (on) => { showResolved = on; render(); }));
    const list = el('ol', { class: 'threads' });
    for (const thread of visible) list.append(threadItem(thread));
    if (visible.length === 0) {
      const resolved = showResolved ? 0 : threads.filter((t) => t.resolved && (showAll || selection.kind === 'map' || on(t))).length;
      list.append(el('li', { class: 'hint', text: resolved ? `No open comments here; ${resolved} resolved (tick “Resolved too” to see ${resolved === 1 ? 'it' : 'them'}).` : 'No comments here yet.' }));
    }
    const parts = [el('h2', { text: heading }), filters, list];
    if (card && !showAll) parts.splice(1, 0, button(`All comments on “${doc.touchpoints?.find((t) => t.id === selection.id)?.name ?? selection.id}”`, () => { card = null; render(); }));
    if (canEdit && !(showAll && card)) parts.push(newThreadForm(here));
    const drafts = keepDrafts();
    root.replaceChildren(...parts);
    drafts();
  }

  /**
   * What is being typed in the panel's fields, put back by the function returned after the panel
   * is drawn again (a colleague's comment or edit redraws it while someone writes a reply).
   */
  function keepDrafts() {
    const key = (field) => field.dataset.draft;
    const typed = [...root.querySelectorAll('textarea')].filter((f) => f.value).map((f) => [key(f), f.value]);
    const active = root.contains(document.activeElement) && document.activeElement.tagName === 'TEXTAREA' ? document.activeElement : null;
    const focus = active && { key: key(active), start: active.selectionStart, end: active.selectionEnd };
    return () => {
      const fields = new Map([...root.querySelectorAll('textarea')].map((f) => [key(f), f]));
      for (const [name, value] of typed) { const field = fields.get(name); if (field && !field.value) field.value = value; }
      const field = focus && fields.get(focus.key);
      if (field) { field.focus(); field.setSelectionRange(focus.start, focus.end); }
    };
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
      el('p', { class: 'target', text: targetText(first.target, thread.targetExists) }),
      message(first));
    for (const reply of thread.replies ?? []) item.append(message(reply, true));
    if (thread.resolved) item.append(el('p', { class: 'mark', text: `Resolved by ${thread.resolved.by}, ${when(thread.resolved.at)}` }));
    if (canEdit) {
      const actions = el('div', { class: 'actions' });
      if (!thread.resolved) {
        const field = el('textarea', { rows: 1, 'aria-label': `Reply to ${first.author}`, placeholder: 'Reply…', maxlength: 10000, 'data-draft': `reply-${first.id}` });
        actions.append(field, button('Reply', () => field.value.trim() && act(() => client.reply(first.id, field.value.trim()), field)),
          button('Resolve', () => act(() => client.resolve(first.id)), { 'aria-label': `Resolve the thread of ${first.author}` }));
      } else {
        actions.append(button('Reopen', () => act(() => client.reopen(first.id)), { 'aria-label': `Reopen the thread of ${first.author}` }));
      }
      item.append(actions);
    }
    return item;
  }

  /** What a target is called: a card by its text. */
  function label(target) {
    return cardName(target, doc)?.name ?? targetName(target, doc);
  }

  /** A thread's target as its list shows it; a deleted card's thread says so. */
  function targetText(target, exists) {
    const named = cardName(target, doc);
    if (named?.removed) return `On ${named.name}`;
    return label(target) + (exists === false ? ' (no longer on the map)' : '');
  }

  function message(comment, reply = false) {
    return el('div', { class: reply ? 'message reply' : 'message' },
      el('p', { class: 'byline' }, el('strong', { text: comment.author }), ` · ${when(comment.created)}`),
      el('p', { class: 'body', text: comment.body }));
  }

  function newThreadForm(target) {
    const field = el('textarea', { rows: 3, id: 'new-comment', maxlength: 10000, 'data-draft': `new-${target}` });
    const form = el('form', { class: 'new-thread' },
      el('label', { for: 'new-comment', text: `New comment on ${label(target)}` }), field,
      el('button', { type: 'submit', text: 'Comment' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = field.value.trim();
      if (body) act(() => client.addComment(target, body), field);
    });
    return form;
  }

  return { load, update, openOn, follow, get threads() { return threads; } };
}
