/**
 * The persona editor: every field of a persona, its photo (PNG, JPEG or WebP up to 2 MB,
 * kept in the store), and its match rule (conditions on the customers' traits) with the
 * number of customers it describes, recounted as it changes. Each change is saved as the
 * persona's journey-as-code document through the JSON API.
 */
import { el, button } from './dom.js';
import { conditionRows, conditionsObject } from './matchrule.js';

const root = document.getElementById('persona-editor');
const { workspace, persona: id, csrf } = root.dataset;
const base = `/api/v1/workspaces/${encodeURIComponent(workspace)}/personas`;
const form = document.getElementById('persona-form');
const status = document.getElementById('save-status');
const OPERATORS = { equals: 'is', ne: 'is not', in: 'is one of', not_in: 'is none of', gt: '>', gte: '≥', lt: '<', lte: '≤', regex: 'matches the pattern', contains: 'contains', exists: 'exists' };
const LISTS = [['goals', 'Goals'], ['challenges', 'Challenges'], ['preferences', 'Preferences'], ['channels', 'Channels']];

let persona = null;
let timer = null;
let countTimer = null;

async function call(method, path, body, type = 'application/json') {
  const response = await fetch(path, {
    method, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf, ...(body !== undefined ? { 'Content-Type': type } : {}) },
    body: body === undefined ? undefined : type === 'application/json' ? JSON.stringify(body) : body,
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw Object.assign(new Error(parsed?.error?.message ?? `the server answered ${response.status}`), { body: parsed });
  return parsed;
}

function say(text, kind = 'info') {
  status.textContent = text;
  status.dataset.kind = kind;
}

/** Saves shortly after the last change. */
function changed() {
  document.getElementById('persona-title').textContent = persona.name || id;
  clearTimeout(timer);
  say('Unsaved changes…');
  timer = setTimeout(save, 400);
  clearTimeout(countTimer);
  countTimer = setTimeout(count, 500);
}

async function save() {
  try {
    const answer = await call('PUT', `${base}/${encodeURIComponent(id)}`, clean(persona));
    say(`Saved${answer.warnings?.length ? ` · ${answer.warnings.length} warning(s)` : ''}`, 'saved');
  } catch (error) {
    const problems = error.body?.error?.problems ?? [];
    say(`Not saved: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ') || error.message}`, 'problem');
  }
}

/** The document without empty fields. */
function clean(document) {
  const out = {};
  for (const [key, value] of Object.entries(document)) {
    if (value === '' || value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) continue;
    out[key] = value;
  }
  return out;
}

async function count() {
  const box = document.getElementById('persona-count');
  if (!persona.match) { box.textContent = 'No match rule: no customer is assigned to this persona.'; return; }
  box.textContent = 'Counting…';
  try {
    const answer = await call('POST', `${base}/preview`, clean(persona));
    const share = answer.of ? ` (${((answer.customers / answer.of) * 100).toFixed(1)}% of ${answer.of.toLocaleString()})` : '';
    box.textContent = `${answer.customers.toLocaleString()} customers match this rule${share}.`;
  } catch (error) {
    box.textContent = `Not counted: ${error.message}`;
  }
}

function text(label, key, { long = false } = {}) {
  const fieldId = `persona-${key}`;
  const control = long ? el('textarea', { id: fieldId, rows: 4 }) : el('input', { id: fieldId });
  control.value = persona[key] ?? '';
  control.addEventListener('input', () => { persona[key] = control.value; changed(); });
  return el('div', { class: 'field' }, el('label', { for: fieldId, text: label }), control);
}

function lines(label, key) {
  const fieldId = `persona-${key}`;
  const control = el('textarea', { id: fieldId, rows: 3 });
  control.value = (persona[key] ?? []).join('\n');
  control.addEventListener('input', () => { persona[key] = control.value.split('\n').map((l) => l.trim()).filter(Boolean); changed(); });
  return el('div', { class: 'field' }, el('label', { for: fieldId, text: `${label} (one per line)` }), control);
}

function demographics() {
  const fieldId = 'persona-demographics';
  const control = el('textarea', { id: fieldId, rows: 4, placeholder: 'age: 25-34\nlocation: Leeds' });
  control.value = Object.entries(persona.demographics ?? {}).map(([k, v]) => `${k}: ${v}`).join('\n');
  control.addEventListener('input', () => {
    const entries = control.value.split('\n').map((l) => l.split(/:(.*)/s)).filter(([k, v]) => k.trim() && v !== undefined);
    persona.demographics = Object.fromEntries(entries.map(([k, v]) => [k.trim(), v.trim()]));
    changed();
  });
  return el('div', { class: 'field' }, el('label', { for: fieldId, text: 'Demographics (one “name: value” per line)' }), control);
}

function photo() {
  const fieldId = 'persona-photo';
  const input = el('input', { id: fieldId, type: 'file', accept: 'image/png,image/jpeg,image/webp' });
  const preview = persona.photo ? el('img', { src: persona.photo, alt: `Photo of ${persona.name}`, class: 'photo' }) : el('span', { class: 'avatar', text: initials(persona.name) });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    if (!['image/png', 'image/jpeg', 'image/webp'].includes(file.type)) { say('A photo is a PNG, JPEG or WebP picture.', 'problem'); return; }
    if (file.size > 2 * 1024 * 1024) { say(`The photo is ${(file.size / 1048576).toFixed(1)} MB; the most is 2 MB.`, 'problem'); return; }
    try {
      const answer = await call('PUT', `${base}/${encodeURIComponent(id)}/photo`, file, file.type);
      persona.photo = answer.photo;
      render();
      say('Photo saved', 'saved');
    } catch (error) {
      say(`The photo was not saved: ${error.message}`, 'problem');
    }
  });
  return el('div', { class: 'field photo-field' }, preview, el('label', { for: fieldId, text: 'Photo (PNG, JPEG or WebP, at most 2 MB)' }), input,
    persona.photo ? button('Remove the photo', () => { delete persona.photo; changed(); render(); }) : null);
}

function initials(name) {
  const words = String(name ?? '?').split(/\s+/).filter(Boolean);
  return (words.length > 1 ? words[0][0] + words[words.length - 1][0] : (words[0] ?? '?').slice(0, 2)).toUpperCase();
}

function matchRule() {
  let rows = conditionRows(Object.fromEntries((persona.match?.traits ? Object.entries(persona.match.traits) : [])));
  const write = () => {
    const traits = conditionsObject(rows);
    persona.match = Object.keys(traits).length ? { traits } : undefined;
    changed();
  };
  const box = el('fieldset', { class: 'match-rule' }, el('legend', { text: 'Match rule: the customers this persona describes, by their traits' }));
  rows.forEach((row, index) => {
    const path = el('input', { value: row.path, 'aria-label': `Trait ${index + 1}: name`, placeholder: 'trait, e.g. profile.age_band' });
    const operator = el('select', { 'aria-label': `Trait ${index + 1}: operator` });
    for (const [value, label] of Object.entries(OPERATORS)) operator.append(el('option', { value, text: label }));
    operator.value = row.operator;
    const value = el('input', { value: row.value, 'aria-label': `Trait ${index + 1}: value`, placeholder: 'value (lists: a, b)' });
    const update = () => { rows[index] = { path: path.value, operator: operator.value, value: value.value }; write(); };
    path.addEventListener('input', update);
    operator.addEventListener('change', update);
    value.addEventListener('input', update);
    box.append(el('div', { class: 'condition' }, path, operator, value,
      button('×', () => { rows = rows.filter((_, i) => i !== index); write(); render(); }, { class: 'remove', 'aria-label': `Remove trait ${index + 1}` })));
  });
  box.append(button('Add a trait condition', () => { rows = [...rows, { path: 'trait', operator: 'equals', value: '' }]; write(); render(); }),
    el('p', { id: 'persona-count', class: 'match-count', role: 'status', 'aria-live': 'polite' }));
  return box;
}

function render() {
  form.replaceChildren(
    photo(), text('Name', 'name'), text('Quote', 'quote'), text('Background', 'background', { long: true }), demographics(),
    ...LISTS.map(([key, label]) => lines(label, key)), matchRule());
  count();
}

async function start() {
  try {
    const stored = await call('GET', `${base}/${encodeURIComponent(id)}`);
    persona = stored.persona;
    render();
    say('Changes save as you make them', 'saved');
    root.dataset.ready = 'true';
  } catch (error) {
    say(`The persona could not be loaded: ${error.message}`, 'problem');
  }
}

start();
