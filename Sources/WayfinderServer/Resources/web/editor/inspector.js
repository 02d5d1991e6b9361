/**
 * The panel beside the canvas: every field of the selected touchpoint, stage or the map itself,
 * edited in place. Each change is reported as an operation; the panel is drawn again from the
 * document after it is applied, keeping the focus in the field being typed in.
 */

const EVIDENCE = ['', 'observed', 'assumed', 'proposed'];
const LEVELS = ['', 'low', 'medium', 'high'];

/** The list fields of a touchpoint and the fields of each item, in the order shown. */
const LISTS = [
  { key: 'actions', label: 'Doing', fields: ['text', 'evidence', 'source'] },
  { key: 'thoughts', label: 'Thinking', fields: ['text', 'evidence', 'source'] },
  { key: 'questions', label: 'Asking', fields: ['text', 'evidence', 'source'] },
  { key: 'pain_points', label: 'Pain points', fields: ['text', 'severity', 'evidence', 'source'], objects: true },
  { key: 'opportunities', label: 'Opportunities', fields: ['text', 'owner', 'priority', 'status'], objects: true },
  { key: 'kpis', label: 'KPIs', fields: ['name', 'target', 'unit'], objects: true },
];

/** A card of each list, as the comment controls name it. */
const CARD_KINDS = { actions: 'action', thoughts: 'thought', questions: 'question', pain_points: 'pain point', opportunities: 'opportunity', kpis: 'KPI' };

const CHOICES = { evidence: EVIDENCE, severity: LEVELS, priority: LEVELS, status: ['', 'idea', 'planned', 'in-progress', 'done'], unit: ['', 'ratio', 'percent', 'count', 'seconds', 'minutes', 'hours', 'days', 'currency', 'score'] };

import { matchRuleEditor } from './matchrule.js';

let counter = 0;
function uid(prefix) { counter += 1; return `${prefix}-${counter}`; }

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A labelled control whose committed value goes to `commit`. */
function field(labelText, control, commit, { event = 'change', name } = {}) {
  const id = uid('field');
  control.id = id;
  if (name) control.dataset.field = name;
  control.addEventListener(event, () => commit(control.value));
  return el('div', { class: 'field' }, el('label', { for: id, text: labelText }), control);
}

function input(value, attributes = {}) { return el('input', { value: value ?? '', ...attributes }); }
function textarea(value, attributes = {}) { const node = el('textarea', { rows: 2, ...attributes }); node.value = value ?? ''; return node; }
function select(value, options, labels = {}) {
  const node = el('select');
  for (const option of options) node.append(el('option', { value: option, text: labels[option] ?? (option || '—') }));
  node.value = value ?? '';
  return node;
}

/** Plain strings stay strings unless evidence or source is given. */
function normaliseItem(item, objects) {
  if (objects) return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  const cleaned = Object.fromEntries(Object.entries(item).filter(([, v]) => v !== '' && v !== undefined && v !== null));
  return Object.keys(cleaned).length === 1 && 'text' in cleaned ? cleaned.text : cleaned;
}

/** Creates the inspector in `root`. */
export function createInspector({ root, canEdit, onOp, preview }) {
  let doc = null;
  let selection = { kind: 'map' };
  let personas = [];

  const set = (target, fieldName, value) => onOp({ type: 'setField', target, field: fieldName, value });

  // The events a rule takes, counted on the server half a second after the last change; the
  // same rule is not counted twice.
  let previewed = { key: null, result: null };
  let previewTimer = null;
  function previewOf(id) {
    if (!preview) return Promise.resolve(null);
    const key = JSON.stringify([id, doc.touchpoints?.map((t) => [t.id, t.match])]);
    if (previewed.key === key && previewed.result) return previewed.result;
    clearTimeout(previewTimer);
    const result = new Promise((resolve, reject) => {
      previewTimer = setTimeout(() => preview(doc, id).then(resolve, reject), 500);
    });
    previewed = { key, result };
    result.catch(() => { if (previewed.result === result) previewed = { key: null, result: null }; });
    return result;
  }

  function render(nextDoc, nextSelection, options = {}) {
    doc = nextDoc;
    selection = nextSelection;
    if (options.personas) personas = options.personas;
    const active = document.activeElement;
    const keep = root.contains(active) && active.dataset.field ? { field: active.dataset.field, start: active.selectionStart, end: active.selectionEnd } : null;
    root.replaceChildren(...content());
    root.querySelectorAll('input, textarea, select, button').forEach((c) => { if (!canEdit && !c.dataset.always) c.disabled = true; });
    if (keep) {
      const again = root.querySelector(`[data-field="${CSS.escape(keep.field)}"]`);
      if (again) {
        again.focus();
        if (typeof keep.start === 'number' && again.setSelectionRange) { try { again.setSelectionRange(keep.start, keep.end); } catch { /* not a text field */ } }
      }
    }
  }

  function content() {
    if (selection.kind === 'touchpoint') {
      const t = doc.touchpoints?.find((x) => x.id === selection.id);
      if (t) return touchpointFields(t);
    }
    if (selection.kind === 'stage') {
      const s = doc.stages?.find((x) => x.id === selection.id);
      if (s) return stageFields(s);
    }
    return mapFields();
  }

  function mapFields() {
    const target = { kind: 'map' };
    const ids = [...(doc.stages ?? []).map((s) => s.id), ...(doc.touchpoints ?? []).map((t) => t.id)];
    const names = Object.fromEntries([...(doc.stages ?? []).map((s) => [s.id, `Stage: ${s.name ?? s.id}`]), ...(doc.touchpoints ?? []).map((t) => [t.id, t.name ?? t.id])]);
    const personaList = el('fieldset', { class: 'personas' }, el('legend', { text: 'Personas' }));
    for (const persona of personas) {
      const id = uid('persona');
      const box = el('input', { type: 'checkbox', id, checked: (doc.personas ?? []).includes(persona.id) });
      box.addEventListener('change', () => {
        const chosen = new Set(doc.personas ?? []);
        if (box.checked) chosen.add(persona.id); else chosen.delete(persona.id);
        set(target, 'personas', personas.map((p) => p.id).filter((p) => chosen.has(p)));
      });
      personaList.append(el('div', { class: 'check' }, box, el('label', { for: id, text: persona.name ?? persona.id })));
    }
    if (personas.length === 0) personaList.append(el('p', { class: 'hint', text: 'No personas in this workspace yet; make one on the workspace page.' }));
    const scale = doc.emotion_scale ?? { min: -2, max: 2 };
    return [
      el('h2', { text: 'Map' }),
      field('Title', input(doc.title, { required: true, maxlength: 200 }), (v) => v.trim() && set(target, 'title', v), { event: 'input', name: 'map.title' }),
      field('Objective', textarea(doc.objective), (v) => set(target, 'objective', v || null), { event: 'input', name: 'map.objective' }),
      field('Description', textarea(doc.description, { rows: 3 }), (v) => set(target, 'description', v || null), { event: 'input', name: 'map.description' }),
      field('State', select(doc.state ?? 'current', ['current', 'future'], { current: 'current: how it works today', future: 'future: how it will work' }), (v) => set(target, 'state', v), { name: 'map.state' }),
      ...(doc.state === 'future' ? [field('Improves (the current-state map)', input(doc.improves ?? '', { pattern: '[a-z0-9]+(-[a-z0-9]+)*' }), (v) => set(target, 'improves', v || null), { name: 'map.improves' })] : []),
      field('Goal (reaching it is conversion)', select(doc.goal ?? '', ['', ...ids], names), (v) => set(target, 'goal', v || null), { name: 'map.goal' }),
      el('div', { class: 'pair' },
        field('Emotion from', input(scale.min, { type: 'number', step: 1 }), (v) => set(target, 'emotion_scale', { ...scale, min: Number(v) }), { name: 'map.scale.min' }),
        field('to', input(scale.max, { type: 'number', step: 1 }), (v) => set(target, 'emotion_scale', { ...scale, max: Number(v) }), { name: 'map.scale.max' })),
      personaList,
    ];
  }

  function stageFields(stage) {
    const target = { kind: 'stage', id: stage.id };
    const index = doc.stages.findIndex((s) => s.id === stage.id);
    const button = (text, op, disabled = false) => {
      const node = el('button', { type: 'button', text, disabled });
      node.addEventListener('click', () => onOp(op));
      return node;
    };
    return [
      el('h2', { text: `Stage: ${stage.name ?? stage.id}` }),
      // A name is kept until a new one is typed: an emptied field changes nothing.
      field('Name', input(stage.name, { required: true, maxlength: 200 }), (v) => v.trim() && set(target, 'name', v), { event: 'input', name: 'stage.name' }),
      field('Id', input(stage.id, { pattern: '[a-z0-9]+(-[a-z0-9]+)*' }), (v) => onOp({ type: 'renameId', kind: 'stage', from: stage.id, to: v }), { name: 'stage.id' }),
      field('Description', textarea(stage.description), (v) => set(target, 'description', v || null), { event: 'input', name: 'stage.description' }),
      el('div', { class: 'actions' },
        button('Move stage left', { type: 'moveStage', id: stage.id, index: index - 1 }, index === 0),
        button('Move stage right', { type: 'moveStage', id: stage.id, index: index + 1 }, index === doc.stages.length - 1),
        button('Add touchpoint to this stage', { type: 'addTouchpoint', stageHint: stage.id }),
        button('Delete stage', { type: 'removeStage', id: stage.id })),
    ];
  }

  function touchpointFields(t) {
    const target = { kind: 'touchpoint', id: t.id };
    const stageNames = Object.fromEntries((doc.stages ?? []).map((s) => [s.id, s.name ?? s.id]));
    const button = (text, op) => { const node = el('button', { type: 'button', text }); node.addEventListener('click', () => onOp(op)); return node; };
    const scale = doc.emotion_scale ?? { min: -2, max: 2 };
    const parts = [
      el('h2', { text: t.name ?? t.id }),
      field('Name', input(t.name, { required: true, maxlength: 200 }), (v) => v.trim() && set(target, 'name', v), { event: 'input', name: 'touchpoint.name' }),
      field('Id', input(t.id, { pattern: '[a-z0-9]+(-[a-z0-9]+)*' }), (v) => onOp({ type: 'renameId', kind: 'touchpoint', from: t.id, to: v }), { name: 'touchpoint.id' }),
      field('Stage', select(t.stage, (doc.stages ?? []).map((s) => s.id), stageNames), (v) => onOp({ type: 'moveTouchpoint', id: t.id, stage: v, position: Number.MAX_SAFE_INTEGER }), { name: 'touchpoint.stage' }),
      field('Channel', input(t.channel, { list: 'channels' }), (v) => set(target, 'channel', v || null), { name: 'touchpoint.channel' }),
      field('Description', textarea(t.description), (v) => set(target, 'description', v || null), { event: 'input', name: 'touchpoint.description' }),
      field(`Emotion (${scale.min} to ${scale.max})`, input(t.emotion ?? '', { type: 'number', min: scale.min, max: scale.max, step: 0.5 }),
        (v) => set(target, 'emotion', v === '' ? null : Math.max(scale.min, Math.min(scale.max, Number(v)))), { name: 'touchpoint.emotion' }),
      el('div', { class: 'pair' },
        field('Evidence', select(t.evidence, EVIDENCE), (v) => set(target, 'evidence', v || null), { name: 'touchpoint.evidence' }),
        field('Source', input(t.source), (v) => set(target, 'source', v || null), { event: 'input', name: 'touchpoint.source' })),
      field('Owner', input(t.owner), (v) => set(target, 'owner', v || null), { event: 'input', name: 'touchpoint.owner' }),
    ];
    for (const list of LISTS) parts.push(listEditor(t, list, target));
    for (const lane of doc.lanes ?? []) {
      const card = lane.cards?.[t.id];
      const text = typeof card === 'string' ? card : card?.text ?? '';
      parts.push(field(`Lane: ${lane.name ?? lane.id}`, textarea(text), (v) => onOp({ type: 'setLaneCard', lane: lane.id, touchpoint: t.id, value: v ? (typeof card === 'object' && card ? { ...card, text: v } : v) : null }),
        { event: 'input', name: `lane.${lane.id}` }));
      if (card) parts.push(commentButton(`the ${lane.name ?? lane.id} card of ${t.name ?? t.id}`, `touchpoint:${t.id}/lane:${lane.id}/0`));
    }
    parts.push(matchRuleEditor({ touchpoint: t, canEdit, onChange: (match) => set(target, 'match', match), preview: () => previewOf(t.id) }));
    parts.push(el('div', { class: 'actions' },
      button('Duplicate touchpoint', { type: 'duplicate', id: t.id }),
      button('Delete touchpoint', { type: 'removeTouchpoint', id: t.id })));
    return parts;
  }

  function listEditor(t, list, target) {
    const items = t[list.key] ?? [];
    const box = el('fieldset', { class: `list list-${list.key}`, 'data-list': list.key }, el('legend', { text: list.label }));
    const write = (next) => set(target, list.key, next.length ? next : null);
    items.forEach((item, index) => {
      const object = typeof item === 'string' ? { text: item } : item;
      const row = el('div', { class: 'item' });
      for (const name of list.fields) {
        const value = object[name];
        const choices = name === 'status' ? null : CHOICES[name];
        const control = choices ? select(value ?? '', choices, { '': `${name}: —` })
          : input(value ?? '', { placeholder: name, ...(name === 'target' ? { type: 'number', step: 'any' } : {}) });
        const label = `${list.label} ${index + 1}: ${name}`;
        control.setAttribute('aria-label', label);
        control.dataset.field = `${list.key}.${index}.${name}`;
        control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', () => {
          const next = items.map((x) => (typeof x === 'string' ? { text: x } : { ...x }));
          const raw = control.value;
          next[index][name] = name === 'target' ? (raw === '' ? undefined : Number(raw)) : raw;
          write(next.map((x) => normaliseItem(x, list.objects)));
        });
        row.append(control);
      }
      row.append(commentButton(`${CARD_KINDS[list.key]} ${index + 1} of ${t.name ?? t.id}`, `touchpoint:${t.id}/lane:${list.key}/${index}`));
      const remove = el('button', { type: 'button', class: 'remove', 'aria-label': `Remove ${list.label.toLowerCase()} ${index + 1}`, text: '×' });
      remove.addEventListener('click', () => write(items.filter((_, i) => i !== index)));
      row.append(remove);
      box.append(row);
    });
    const add = el('button', { type: 'button', text: `Add to ${list.label.toLowerCase()}` });
    add.addEventListener('click', () => {
      const first = list.key === 'kpis' ? { name: 'New KPI' } : list.objects ? { text: 'New item' } : 'New item';
      write([...items, first]);
      setTimeout(() => root.querySelector(`[data-field="${list.key}.${items.length}.${list.key === 'kpis' ? 'name' : 'text'}"]`)?.select(), 0);
    });
    box.append(add);
    return box;
  }

  /** A button that opens the comment threads of a card (`target`), for viewers too; `what` names the card. */
  function commentButton(what, target) {
    const node = el('button', { type: 'button', class: 'comment-on', text: 'Comment', 'aria-label': `Comment on ${what}`, 'data-always': 'true' });
    node.addEventListener('click', () => root.dispatchEvent(new CustomEvent('comment', { detail: target, bubbles: true })));
    return node;
  }

  /** Focuses the editor of a lane of the selected touchpoint. */
  function openLane(lane) {
    const list = lane.startsWith('lane:') ? root.querySelector(`[data-field="lane.${CSS.escape(lane.slice(5))}"]`)
      : root.querySelector(`[data-list="${CSS.escape(lane === 'owner' ? 'kpis' : lane)}"]`) ?? root.querySelector(`[data-field="touchpoint.${lane === 'emotion' ? 'emotion' : 'name'}"]`);
    list?.scrollIntoView({ block: 'nearest' });
  }

  return { render, openLane };
}
