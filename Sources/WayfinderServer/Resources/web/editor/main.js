/**
 * The map editor's page: loads the map, draws it, turns what the person does into operations,
 * keeps undo and redo, and saves each change as a new version through the JSON API with the
 * version it started from, so a save never silently overwrites a colleague's.
 */
import { apply, newId, duplicateTouchpoint, describe } from './operations.js';
import { History } from './history.js';
import { createCanvas } from './canvas.js';
import { createInspector } from './inspector.js';
import { mapClient, APIRefusal } from './api.js';
import { startPresentation } from './present.js';
import { showComparison } from './compare.js';
import { LiveSession } from './collaboration.js';
import { createComments } from './comments.js';
import { createVersions } from './versions.js';
import { createSharing } from './sharing.js';
import { createData } from './data.js';

const SAVE_DELAY_MS = 400;

const root = document.getElementById('editor');
const config = root.dataset;
const canEdit = config.canEdit === 'true';
const client = mapClient({ workspace: config.workspace, map: config.map, csrf: config.csrf });
const statusLine = document.getElementById('save-status');
const problemsBox = document.getElementById('problems');
const buttons = Object.fromEntries([...root.querySelectorAll('[data-command]')].map((b) => [b.dataset.command, b]));

const state = {
  doc: null,
  version: Number(config.version),
  selection: { kind: 'map' },
  /** Operations made since the last version the server confirmed, replayed on a newer version after a conflict. */
  unsaved: [],
  saving: false,
  saveAgain: false,
  timer: null,
};
const history = new History();
/** The people editing this map at the same time; set once the map is loaded. */
let live = null;

const canvas = createCanvas({
  viewport: document.getElementById('viewport'),
  board: document.getElementById('board'),
  zoomOutput: document.getElementById('zoom-level'),
  canEdit,
  onSelect: (selection) => { state.selection = selection; inspector.render(state.doc, selection); comments.update(shownDoc(), selection); live?.select(selection); },
  onOp: (op, options) => perform(op, options),
  onOpenLane: (lane) => inspector.openLane(lane),
});
const inspector = createInspector({ root: document.getElementById('inspector'), canEdit, onOp: (op) => perform(op), preview: (doc, id) => client.preview(doc, id) });
document.getElementById('inspector').addEventListener('problem', (event) => say(event.detail, 'problem'));
document.getElementById('inspector').addEventListener('comment', (event) => { openTab('comments'); comments.openOn(event.detail); });
const comments = createComments({
  root: document.getElementById('comments'), client, canEdit,
  onCounts: (counts) => canvas.showComments(counts, (element) => { canvas.select(element); openTab('comments'); comments.openOn(null); }),
  onProblem: (text) => say(text, 'problem'),
});
const versions = createVersions({
  root: document.getElementById('history'), client, canEdit, current: () => state.version,
  onShow: (shown) => view(shown),
  onRestored: async (answer) => {
    const latest = await client.load();
    state.version = latest.current_version;
    view(null);
    state.doc = latest.map;
    state.unsaved = [];
    refresh();
    // Everyone editing starts again from the restored version.
    live?.reloadAll(state.version);
    say(`Restored version ${answer.version?.restoredFrom ?? ''} as version ${state.version}`, 'saved');
  },
  onProblem: (text) => say(text, 'problem'),
});
const data = createData({
  root: document.getElementById('data'), client, workspace: config.workspace, map: config.map, canEdit,
  onData: (measured) => { canvas.showData(measured); data.render(shownDoc(), state.selection); },
  onCandidate: (event) => {
    // An event no touchpoint describes, made a touchpoint that matches it, in the selected stage.
    perform({ type: 'addTouchpoint', stageHint: currentStage(), name: event.name, channel: event.channel ?? undefined,
      match: { event: event.name, ...(event.channel ? { channel: event.channel } : {}) } });
    openTab('edit');
  },
});
const sharing = createSharing({ root: document.getElementById('sharing'), client, canEdit, onProblem: (text) => say(text, 'problem') });

/** The panel tabs: Edit, Comments, History, Share (arrow keys move between them). */
const tabs = [...document.querySelectorAll('.tabs [role="tab"]')];
function openTab(name) {
  for (const tab of tabs) {
    const on = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    document.getElementById(tab.getAttribute('aria-controls')).hidden = !on;
  }
  if (name === 'comments') comments.update(shownDoc(), state.selection);
  if (name === 'history') versions.load();
  if (name === 'share') sharing.load();
  if (name === 'data') data.render(shownDoc(), state.selection);
}
for (const [index, tab] of tabs.entries()) {
  tab.addEventListener('click', () => openTab(tab.id.slice(4)));
  tab.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = tabs[(index + step + tabs.length) % tabs.length];
    next.focus();
    openTab(next.id.slice(4));
  });
}

/** A version shown on the map (read-only, with what changed since), or null for the current map. */
function view(shown) {
  state.viewing = shown;
  const banner = document.getElementById('viewing');
  banner.hidden = !shown;
  if (shown) {
    const removed = (shown.diff.changes ?? []).filter((c) => c.subject === 'touchpoint' && c.action === 'removed').length;
    const counts = shown.diff.summary ?? {};
    banner.replaceChildren(
      Object.assign(document.createElement('strong'), { textContent: `Version ${shown.number}, with what changed up to version ${state.version}` }),
      legend(counts, removed),
      Object.assign(document.createElement('button'), { type: 'button', textContent: 'Back to the current map', onclick: () => view(null) }));
  }
  refresh();
}

function legend(counts) {
  const box = document.createElement('span');
  box.className = 'legend';
  for (const action of ['added', 'removed', 'moved', 'edited']) {
    const item = document.createElement('span');
    item.className = action;
    item.textContent = `${counts[action] ?? 0} ${action}`;
    box.append(item);
  }
  return box;
}

/** The document on screen: a version being looked at, else the map being edited. */
function shownDoc() {
  return state.viewing?.doc ?? state.doc;
}


/** A message that stays until it is dismissed or another one comes: what a person must not miss. */
function notice(text) {
  const box = document.getElementById('notice');
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Dismiss';
  close.addEventListener('click', () => { box.hidden = true; });
  const words = document.createElement('span');
  words.textContent = text;
  box.replaceChildren(words, close);
  box.hidden = false;
}

function say(text, kind = 'info') {
  statusLine.textContent = text;
  statusLine.dataset.kind = kind;
}

/** Turns the page's requests (add a touchpoint to a stage, duplicate) into document operations. */
function expand(op) {
  const doc = state.doc;
  if (op.type === 'addTouchpoint' && !op.touchpoint) {
    const stage = op.stageHint ?? currentStage();
    if (!stage) { say('Add a stage first: a touchpoint belongs to a stage.', 'problem'); return null; }
    const taken = [...(doc.stages ?? []).map((s) => s.id), ...(doc.touchpoints ?? []).map((t) => t.id)];
    // A channel is required: the selected card's, else the stage's last card's, else the web.
    const near = state.selection.kind === 'touchpoint' ? doc.touchpoints.find((t) => t.id === state.selection.id) : null;
    const channel = near?.channel ?? (doc.touchpoints ?? []).filter((t) => t.stage === stage).pop()?.channel ?? 'web';
    const name = op.name ?? 'New touchpoint';
    const touchpoint = { id: newId(name, taken), name, stage, channel: op.channel ?? channel, ...(op.match ? { match: op.match } : {}) };
    const after = (doc.touchpoints ?? []).map((t, i) => ({ t, i })).filter(({ t }) => t.stage === stage).pop();
    const selected = state.selection.kind === 'touchpoint' ? doc.touchpoints.findIndex((t) => t.id === state.selection.id) : -1;
    const index = selected >= 0 && doc.touchpoints[selected].stage === stage ? selected + 1 : after ? after.i + 1 : indexForStage(stage);
    return { type: 'addTouchpoint', touchpoint, index };
  }
  if (op.type === 'addStage' && !op.stage) {
    const taken = [...(doc.stages ?? []).map((s) => s.id), ...(doc.touchpoints ?? []).map((t) => t.id)];
    const at = state.selection.kind === 'stage' ? doc.stages.findIndex((s) => s.id === state.selection.id) + 1 : (doc.stages ?? []).length;
    return { type: 'addStage', stage: { id: newId('new stage', taken), name: 'New stage' }, index: at };
  }
  if (op.type === 'duplicate') return duplicateTouchpoint(doc, op.id);
  return op;
}

/** Where a first touchpoint of `stage` goes in the touchpoints' order: after those of the stages before it. */
function indexForStage(stage) {
  const order = (state.doc.stages ?? []).map((s) => s.id);
  const rank = order.indexOf(stage);
  const touchpoints = state.doc.touchpoints ?? [];
  const next = touchpoints.findIndex((t) => order.indexOf(t.stage) > rank);
  return next < 0 ? touchpoints.length : next;
}

function currentStage() {
  const { selection, doc } = state;
  if (selection.kind === 'stage') return selection.id;
  if (selection.kind === 'touchpoint') return doc.touchpoints.find((t) => t.id === selection.id)?.stage;
  return doc.stages?.[0]?.id;
}

/** Applies an operation made here: shown at once, recorded for undo, saved shortly after. */
function perform(request, options = {}) {
  if (!canEdit || !state.doc) return;
  if (state.viewing) { say('You are looking at an older version: go back to the current map to edit.', 'problem'); return; }
  const op = expand(request);
  if (!op) return;
  const before = state.doc;
  const result = apply(state.doc, op);
  if (!result.applied) { say(`Not changed: ${describe(op, state.doc)} does not apply to the map as it is now.`, 'problem'); return; }
  history.record(op, result.inverse);
  commit(result.doc, op, options);
  followComments(op, before);
  tellRemovedStage(op, before);
}

/** A stage deleted with its touchpoints is said so, with the way back. */
function tellRemovedStage(op, before) {
  const steps = op.type === 'batch' ? op.ops ?? [] : [op];
  const removed = steps.find((step) => step.type === 'removeStage');
  if (!removed) return;
  const name = before.stages?.find((stage) => stage.id === removed.id)?.name ?? removed.id;
  const left = new Set((state.doc.touchpoints ?? []).map((t) => t.id));
  const count = (before.touchpoints ?? []).filter((t) => t.stage === removed.id && !left.has(t.id)).length;
  notice(`Deleted the stage “${name}”${count ? ` with its ${count} touchpoint${count > 1 ? 's' : ''}` : ''}. Undo (Ctrl+Z) brings ${count ? 'them' : 'it'} back.`);
}

/** Comments stay on a renamed stage or touchpoint, and on cards that moved in their lane (edits made here only). */
function followComments(op, before) {
  comments.follow(before, op);
  if (op.type !== 'renameId') return;
  client.retarget(op.kind, op.from, op.to).then(() => comments.load()).catch((error) => say(`The comments of “${op.from}” stay under its old id: ${error.message}`, 'problem'));
}

function commit(doc, op, options = {}) {
  if (live?.active) {
    // Shown at once, sent to the room; saved by the room's saver once the server has ordered it.
    const result = live.local(op);
    if (!result.applied) { say(`Not changed: ${describe(op, state.doc)} no longer applies.`, 'problem'); refresh(); return; }
    doc = result.doc;
  } else {
    state.unsaved.push(op);
  }
  state.doc = doc;
  followSelection(op);
  refresh(options);
  scheduleSave();
}

/** Keeps the selection on what an operation made, moved or renamed, and off what it removed. */
function followSelection(op) {
  const doc = state.doc;
  const exists = (kind, id) => (kind === 'stage' ? doc.stages : doc.touchpoints)?.some((x) => x.id === id);
  const first = op.type === 'batch' ? op.ops?.[0] : op;
  if (first?.type === 'addTouchpoint') state.selection = { kind: 'touchpoint', id: first.touchpoint.id };
  else if (op.type === 'addStage') state.selection = { kind: 'stage', id: op.stage.id };
  else if (op.type === 'renameId' && state.selection.id === op.from) state.selection = { kind: op.kind, id: op.to };
  if (state.selection.kind !== 'map' && !exists(state.selection.kind, state.selection.id)) state.selection = { kind: 'map' };
}

function refresh(options = {}) {
  canvas.render(shownDoc(), state.selection, state.viewing?.marks ?? null);
  inspector.render(state.doc, state.selection);
  comments.update(shownDoc(), state.selection);
  if (!document.getElementById('data').hidden) data.render(shownDoc(), state.selection);
  document.getElementById('map-title').textContent = state.doc.title ?? config.map;
  // A future-state map that names the map it improves can be seen beside it.
  buttons.compare.hidden = !(state.doc.state === 'future' && state.doc.improves);
  // A viewer looks: the buttons that change the map are off (the server refuses their edits anyway).
  for (const name of ['add-stage', 'add-touchpoint']) buttons[name].disabled = !canEdit;
  buttons.undo.disabled = !canEdit || !history.canUndo;
  buttons.redo.disabled = !canEdit || !history.canRedo;
  if (options.focus) document.querySelector(options.focus)?.focus();
}

function undo() {
  if (!history.canUndo) return;
  const before = state.doc;
  const result = history.undo(state.doc);
  if (result.skipped) say('That step was changed by someone since; it was skipped.', 'problem');
  if (result.op && !result.skipped) { commit(result.doc, result.op); followComments(result.op, before); } else refresh();
}

function redo() {
  if (!history.canRedo) return;
  const before = state.doc;
  const result = history.redo(state.doc);
  if (result.op && !result.skipped) { commit(result.doc, result.op); followComments(result.op, before); }
  else refresh();
}

function scheduleSave(quiet = false) {
  clearTimeout(state.timer);
  if (!quiet) say('Unsaved changes…');
  state.timer = setTimeout(save, SAVE_DELAY_MS);
}

/** Saves the document over the version it was made from; after a conflict, the changes made here are replayed on the newer version and saved again. */
async function save() {
  if (state.saving) { state.saveAgain = true; return; }
  if (live?.active) { await saveForRoom(); return; }
  if (state.unsaved.length === 0) return;
  state.saving = true;
  const sent = state.unsaved.length;
  say('Saving…');
  try {
    const answer = await client.save(state.doc, state.version);
    state.version = answer.version?.number ?? state.version;
    state.unsaved = state.unsaved.slice(sent);
    showProblems([]);
    const warnings = answer.warnings ?? [];
    say(`Saved · version ${state.version}${warnings.length ? ` · ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''}`, 'saved');
    if (warnings.length) showProblems(warnings.map((w) => ({ message: typeof w === 'string' ? w : w.message ?? JSON.stringify(w), field: w.field })), 'Warnings');
  } catch (error) {
    if (error instanceof APIRefusal && error.status === 409) await merge();
    else if (error instanceof APIRefusal && (error.status === 422 || error.status === 400)) {
      say('Not saved: the map has problems (listed below). Fix them or undo.', 'problem');
      showProblems(error.body?.error?.problems?.length ? error.body.error.problems : [{ message: error.message }]);
    } else {
      say(`Not saved: ${error.message}. Your changes are kept here; they are sent again with the next change.`, 'problem');
    }
  } finally {
    state.saving = false;
    if (state.saveAgain) { state.saveAgain = false; scheduleSave(); }
  }
}

/** The room's saver saves every edit the server has ordered; the others hear of it and show it. */
async function saveForRoom(rebased = false) {
  if (!live.isSaver) { if (state.unsaved.length === 0) say(`Version ${state.version} · editing together`, 'saved'); return; }
  if (!live.unsaved && !rebased) return;
  state.saving = true;
  const seq = live.seq;
  try {
    const answer = await client.save(live.confirmed, state.version);
    state.version = answer.version?.number ?? state.version;
    live.saved(state.version, seq, rebased);
    showProblems([]);
    say(`Saved · version ${state.version} · editing together`, 'saved');
  } catch (error) {
    if (error instanceof APIRefusal && error.status === 409) {
      // Saved elsewhere (the API, an import): the room's edits go on top of that version.
      const latest = await client.load();
      state.version = latest.current_version;
      live.rebase(latest.map);
      state.doc = live.shown ?? state.doc;
      refresh();
      state.saving = false;
      return saveForRoom(true);
    }
    if (error instanceof APIRefusal && (error.status === 422 || error.status === 400)) {
      say('Not saved: the map has problems (listed below). Fix them or undo.', 'problem');
      showProblems(error.body?.error?.problems?.length ? error.body.error.problems : [{ message: error.message }]);
    } else {
      say(`Not saved: ${error.message}. The edits are kept; they are sent again with the next change.`, 'problem');
    }
  } finally {
    state.saving = false;
    if (state.saveAgain) { state.saveAgain = false; scheduleSave(); }
  }
}

/** Someone saved a newer version: take it, replay the changes made here on it, and save again. */
async function merge() {
  const latest = await client.load();
  let doc = latest.map;
  let skipped = 0;
  for (const op of state.unsaved) {
    const result = apply(doc, op);
    if (result.applied) doc = result.doc; else skipped += 1;
  }
  state.doc = doc;
  state.version = latest.current_version;
  followSelection({ type: 'none' });
  refresh();
  const who = latest.version?.author ? `${latest.version.author} saved version ${latest.current_version}` : `Version ${latest.current_version} was saved meanwhile`;
  say(`${who}; your changes were applied on top of it${skipped ? ` (${skipped} no longer applied: their element was removed)` : ''}. Saving…`, 'problem');
  state.saveAgain = true;
}

/** The element a problem's field names (`journeys[0].touchpoints[2].channel`), as a selection, or null. */
function problemElement(field) {
  const touchpoint = /touchpoints\[(\d+)\]/.exec(field ?? '');
  if (touchpoint) { const t = state.doc?.touchpoints?.[Number(touchpoint[1])]; return t ? { kind: 'touchpoint', id: t.id } : null; }
  const stage = /stages\[(\d+)\]/.exec(field ?? '');
  if (stage) { const s = state.doc?.stages?.[Number(stage[1])]; return s ? { kind: 'stage', id: s.id } : null; }
  return null;
}

/** The validator's problems: listed under the map, each with a button to its element, and marked on the map. */
function showProblems(problems, heading = 'Problems') {
  problemsBox.hidden = problems.length === 0;
  problemsBox.replaceChildren();
  const marked = problems.map((problem) => problemElement(problem.field)).filter(Boolean);
  canvas.showProblems(marked);
  if (!problems.length) return;
  const title = document.createElement('h2');
  title.textContent = heading;
  const list = document.createElement('ul');
  for (const problem of problems) {
    const item = document.createElement('li');
    item.textContent = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
    const element = problemElement(problem.field);
    if (element) {
      const show = document.createElement('button');
      show.type = 'button';
      show.textContent = 'Show';
      show.setAttribute('aria-label', `Show where: ${problem.message}`);
      show.addEventListener('click', () => { canvas.select(element); openTab('edit'); });
      item.append(' ', show);
    }
    list.append(item);
  }
  problemsBox.append(title, list);
}

function download() {
  const link = document.createElement('a');
  link.href = client.exportURL('yaml');
  link.download = `${config.map}.yaml`;
  document.body.append(link);
  link.click();
  link.remove();
}

const commands = {
  undo, redo,
  'add-stage': () => perform({ type: 'addStage' }),
  'add-touchpoint': () => perform({ type: 'addTouchpoint' }),
  'zoom-in': () => canvas.zoomBy(1.2),
  'zoom-out': () => canvas.zoomBy(1 / 1.2),
  'zoom-fit': () => canvas.fit(),
  'zoom-reset': () => canvas.reset(),
  'download-yaml': download,
  numbers: toggleNumbers,
  present,
  compare: () => showComparison({ url: `${client.exportURL('svg')}&compare=true`, title: state.doc.title ?? config.map, version: state.version, opener: buttons.compare }),
};

/** Lays the measured numbers on the map, or takes them off. */
async function toggleNumbers() {
  const toggle = buttons.numbers;
  const on = toggle.getAttribute('aria-pressed') !== 'true';
  toggle.setAttribute('aria-pressed', String(on));
  if (!on) { data.clear(); return; }
  say('Measuring the map on the workspace’s data…');
  const measured = await data.load();
  say(measured ? `Live numbers: ${measured.customers?.toLocaleString() ?? 0} customers on this map` : 'No live numbers: see the Data panel for why.', measured ? 'saved' : 'problem');
  if (!measured) openTab('data');
}

/** Presentation mode over the map as it is now, with the workspace's personas and, for a future-state map, the map it improves. */
async function present() {
  if (!state.doc) return;
  let other = null;
  const related = state.doc.state === 'future' ? state.doc.improves : null;
  if (related) other = await mapClient({ workspace: config.workspace, map: related, csrf: config.csrf }).load().then((m) => m.map).catch(() => null);
  startPresentation({ doc: state.doc, personas: state.personas, other, workspace: config.workspace, map: config.map, csrf: config.csrf, onExit: () => document.querySelector('[data-command="present"]')?.focus() });
}
for (const [name, button] of Object.entries(buttons)) button.addEventListener('click', () => commands[name]?.());

/** Export: the server's files for SVG, HTML, JSON, Mermaid, CSV and Markdown; PNG drawn here from the SVG; PDF through the print dialog (A3 landscape). */
const exportMenu = document.getElementById('export-format');
exportMenu.addEventListener('change', async () => {
  const format = exportMenu.value;
  exportMenu.value = '';
  if (!format) return;
  if (format === 'pdf') { window.print(); return; }
  if (format === 'png') { await downloadPNG(); return; }
  const link = document.createElement('a');
  link.href = client.exportURL(format);
  link.download = '';
  document.body.append(link);
  link.click();
  link.remove();
});

/** The map's SVG drawn onto a canvas at twice its size and saved as PNG. */
async function downloadPNG() {
  try {
    const response = await fetch(client.exportURL('svg'), { credentials: 'same-origin' });
    const text = await response.text();
    const image = new Image();
    // A data: address, which the pages' Content-Security-Policy lets images load (blob: it does not).
    const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    await new Promise((resolve, reject) => { image.onload = resolve; image.onerror = () => reject(new Error('the drawing could not be read')); image.src = url; });
    const scale = 2;
    const canvasElement = document.createElement('canvas');
    canvasElement.width = image.naturalWidth * scale;
    canvasElement.height = image.naturalHeight * scale;
    const context = canvasElement.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, canvasElement.width, canvasElement.height);
    context.drawImage(image, 0, 0, canvasElement.width, canvasElement.height);
    const blob = await new Promise((resolve) => canvasElement.toBlob(resolve, 'image/png'));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${config.map}.png`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } catch (error) {
    say(`The PNG could not be made: ${error.message}`, 'problem');
  }
}

document.addEventListener('keydown', (event) => {
  const typing = event.target.closest('input, textarea, select, [contenteditable]');
  const mod = event.ctrlKey || event.metaKey;
  if (mod && event.key.toLowerCase() === 'z' && !typing) { event.preventDefault(); (event.shiftKey ? redo : undo)(); return; }
  if (mod && event.key.toLowerCase() === 'y' && !typing) { event.preventDefault(); redo(); return; }
  if (typing) return;
  const selected = state.selection;
  if (mod && event.key.toLowerCase() === 'd' && selected.kind === 'touchpoint') { event.preventDefault(); perform({ type: 'duplicate', id: selected.id }); return; }
  if ((event.key === 'Delete' || event.key === 'Backspace') && selected.kind !== 'map') {
    event.preventDefault();
    perform(selected.kind === 'stage' ? { type: 'removeStage', id: selected.id } : { type: 'removeTouchpoint', id: selected.id });
    return;
  }
  if (event.altKey && selected.kind === 'touchpoint' && (event.key === 'ArrowLeft' || event.key === 'ArrowRight')) {
    event.preventDefault();
    moveByKeyboard(selected.id, event.key === 'ArrowLeft' ? -1 : 1);
    return;
  }
  if (event.key === 'n' && !mod && !event.altKey) { event.preventDefault(); perform({ type: 'addTouchpoint' }); return; }
  if (event.key === 'p' && !mod && !event.altKey && !document.querySelector('.presentation')) { event.preventDefault(); present(); return; }
  if (event.key === 'Escape') canvas.select({ kind: 'map' });
});

/** Alt+arrow: a card one place left or right, into the next stage at its edge. */
function moveByKeyboard(id, direction) {
  const doc = state.doc;
  const touchpoint = doc.touchpoints.find((t) => t.id === id);
  const peers = doc.touchpoints.filter((t) => t.stage === touchpoint.stage);
  const at = peers.findIndex((t) => t.id === id);
  const stages = doc.stages.map((s) => s.id);
  const stageIndex = stages.indexOf(touchpoint.stage);
  let op;
  if (at + direction >= 0 && at + direction < peers.length) op = { type: 'moveTouchpoint', id, stage: touchpoint.stage, position: at + direction };
  else if (stages[stageIndex + direction]) {
    const stage = stages[stageIndex + direction];
    const count = doc.touchpoints.filter((t) => t.stage === stage).length;
    op = { type: 'moveTouchpoint', id, stage, position: direction < 0 ? count : 0 };
  }
  if (op) perform(op, { focus: `.card[data-touchpoint="${CSS.escape(id)}"]` });
}

window.addEventListener('beforeunload', (event) => {
  if (state.unsaved.length || state.saving) { save(); event.preventDefault(); }
});

async function start() {
  try {
    const [stored, personas] = await Promise.all([client.load(), client.personas().catch(() => ({ personas: [] }))]);
    state.doc = stored.map;
    state.version = stored.current_version;
    state.personas = (personas.personas ?? []).map((p) => ({ id: p.id, ...(p.persona ?? p) }));
    inspector.render(state.doc, state.selection, { personas: state.personas.map((p) => ({ id: p.id, name: p.name ?? p.id })) });
    refresh();
    say(canEdit ? `Version ${state.version} · changes save as you make them` : `Version ${state.version} · you can look but not change (viewer)`, 'saved');
    root.dataset.ready = 'true';
    comments.load();
    startLive();
  } catch (error) {
    say(`The map could not be loaded: ${error.message}. Reload the page to try again.`, 'problem');
  }
}

/** Joins the people editing this map: their edits and selections appear here as they make them. */
function startLive() {
  if (!('WebSocket' in window)) return;
  live = new LiveSession({
    workspace: config.workspace, map: config.map,
    load: () => client.load(),
    current: () => ({ doc: state.doc, version: state.version }),
    onDoc: (doc, why, version) => {
      if (version !== undefined) state.version = version;
      state.doc = doc;
      followSelection({ type: 'none' });
      refresh({ keepFocus: true });
      // A reload is a stored version already: nothing to save.
      if (why === 'reload') return;
      if (why !== 'welcome') scheduleSave(true);
      else if (state.unsaved.length) {
        // Edits made while the connection was down go to the room now.
        const waiting = state.unsaved;
        state.unsaved = [];
        for (const op of waiting) live.local(op);
        scheduleSave(true);
      }
    },
    onMembers: (members, me) => showMembers(members, me),
    onComments: () => comments.load({ changedOnly: true }),
    onLost: (lost) => {
      const first = lost[0];
      const who = first.by ? `${first.by}'s edit` : 'an edit made meanwhile';
      notice(`Your change “${first.description}” was replaced by ${who}${lost.length > 1 ? ` (and ${lost.length - 1} more)` : ''}: edits of the same thing count in the order they reach the server.`);
    },
    onSaved: (version, by, outside = false) => {
      state.version = version;
      if (outside) say(`Version ${version} was saved outside the editor${by ? ` by ${by}` : ''} (an import or the API); the map shows it now`, 'saved');
      else if (!state.saving) say(`Saved · version ${version}${by ? ` by ${by}'s browser` : ''} · editing together`, 'saved');
    },
    onState: (what, detail) => {
      if (what === 'closed') say('Working alone: the live connection dropped; changes still save, and it reconnects by itself.', 'problem');
      if (what === 'error' || what === 'ended') say(detail, 'problem');
    },
  });
}

/** Who is here: a badge per person, and their selection outlined on the map in their colour. */
function showMembers(members, me) {
  const list = document.getElementById('people');
  if (!list) return;
  list.replaceChildren();
  const others = members.filter((m) => m.client !== me);
  for (const member of members) {
    const badge = document.createElement('li');
    badge.className = `person color-${member.color}`;
    badge.textContent = initials(member.name);
    badge.title = `${member.name}${member.client === me ? ' (you)' : ''}${member.can_edit ? '' : ' · viewing'}`;
    badge.setAttribute('aria-label', badge.title);
    list.append(badge);
  }
  list.hidden = members.length === 0;
  canvas.showPeers(others);
}

/** Up to two letters of a name, whole characters (an emoji or an accented letter is not cut in half). */
function initials(name) {
  const letters = (word) => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(word), (part) => part.segment);
  const words = String(name).replace(/@.*/, '').split(/[\s._-]+/).filter(Boolean);
  if (words.length === 0) return '?';
  const picked = words.length > 1 ? [letters(words[0])[0], letters(words[words.length - 1])[0]] : letters(words[0]).slice(0, 2);
  return picked.join('').toUpperCase();
}

start();
