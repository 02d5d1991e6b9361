/**
 * The history of the map: every saved version with its author and time; any version shown on
 * the map with what changed from it to the current one (the same diff as `wayfinder diff`,
 * drawn on the cards: added, moved, edited, and the removed listed); and a restore.
 */
import { el, button, when } from './dom.js';

/** The cards and stages a diff touches, each with what happened to it: `{touchpoint: {id: action}, stage: {id: action}}`. */
export function diffMarks(changes) {
  const marks = { touchpoint: {}, stage: {} };
  const rank = { removed: 4, added: 3, moved: 2, edited: 1 };
  for (const change of changes ?? []) {
    const id = String(change.target ?? '').split('/')[1];
    if (!id) continue;
    const kind = change.subject === 'stage' ? 'stage' : ['touchpoint', 'card', 'emotion'].includes(change.subject) ? 'touchpoint' : null;
    if (!kind) continue;
    const action = change.subject === 'touchpoint' ? change.action : 'edited';
    if ((rank[action] ?? 0) > (rank[marks[kind][id]] ?? 0)) marks[kind][id] = action;
  }
  return marks;
}

export function createVersions({ root, client, canEdit, current, onShow, onRestored, onProblem }) {
  let versions = [];

  async function load() {
    try {
      versions = ((await client.versions()).versions ?? []).slice().reverse();
    } catch (error) {
      onProblem(`The history could not be loaded: ${error.message}`);
    }
    render();
  }

  function summary(changes) {
    if (!changes) return '';
    const parts = ['added', 'removed', 'moved', 'edited'].filter((k) => changes[k]).map((k) => `${changes[k]} ${k}`);
    return parts.length ? parts.join(', ') : 'no change';
  }

  function render(shown = null) {
    const list = el('ol', { class: 'versions', reversed: true });
    for (const version of versions) {
      const isCurrent = version.number === current();
      const item = el('li', { class: `version${shown === version.number ? ' shown' : ''}`, 'data-version': version.number },
        el('p', {}, el('strong', { text: `Version ${version.number}` }), isCurrent ? ' (current)' : '',
          ` · ${version.author} · ${when(version.created)}`),
        version.message ? el('p', { class: 'message', text: version.message }) : null,
        version.restoredFrom ? el('p', { class: 'mark', text: `Restored from version ${version.restoredFrom}` }) : null,
        el('p', { class: 'changes', text: summary(version.changes) }));
      const actions = el('div', { class: 'actions' });
      if (!isCurrent) {
        actions.append(button('Show', () => show(version.number), { 'aria-label': `Show version ${version.number} and what changed since` }));
        if (canEdit) actions.append(button('Restore', () => restore(version.number), { 'aria-label': `Restore version ${version.number}` }));
      }
      item.append(actions);
      list.append(item);
    }
    root.replaceChildren(el('h2', { text: 'History' }), el('p', { class: 'hint', text: 'Every save is a version. Show one to see it on the map with what changed since; restore it to make it current again (as a new version).' }), list);
  }

  async function show(number) {
    try {
      const [old, diff] = await Promise.all([client.version(number), client.diff(number, current())]);
      render(number);
      onShow({ number, doc: old.map, diff, marks: diffMarks(diff.changes) });
    } catch (error) {
      onProblem(`Version ${number} could not be shown: ${error.message}`);
    }
  }

  async function restore(number) {
    try {
      const answer = await client.restore(number);
      await onRestored(answer);
      await load();
    } catch (error) {
      onProblem(`Version ${number} could not be restored: ${error.body?.error?.message ?? error.message}`);
    }
  }

  return { load, render };
}
