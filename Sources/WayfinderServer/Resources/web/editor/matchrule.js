/**
 * A touchpoint's match rule as a form: the event name (or a glob such as `Order *`), the type,
 * the channel, and conditions on the event's properties with their operators; beside it, the
 * number of stored events the rule takes (as the map classifies them, first rule first) with a
 * sample, recounted on the server shortly after each change.
 */
import { el, button, when } from './dom.js';

const TYPES = ['', 'track', 'page', 'screen', 'identify', 'group', 'alias', 'feedback'];
const OPERATORS = { equals: 'is', ne: 'is not', in: 'is one of', not_in: 'is none of', gt: '>', gte: '≥', lt: '<', lte: '≤', regex: 'matches the pattern', contains: 'contains', exists: 'exists' };

/** A property condition as a form row: `{path, operator, value}` (lists comma-separated). */
export function conditionRows(properties) {
  return Object.entries(properties ?? {}).map(([path, condition]) => {
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return { path, operator: 'equals', value: String(condition) };
    const [operator, value] = Object.entries(condition)[0] ?? ['equals', ''];
    return { path, operator, value: Array.isArray(value) ? value.join(', ') : String(value) };
  });
}

/** A typed value from form text: numbers and booleans as such, text otherwise. */
function scalar(text) {
  const trimmed = text.trim();
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed !== '' && /^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

/** The properties object of the rule from form rows. */
export function conditionsObject(rows) {
  const properties = {};
  for (const row of rows) {
    if (!row.path.trim()) continue;
    const path = row.path.trim();
    if (row.operator === 'equals') properties[path] = scalar(row.value);
    else if (row.operator === 'in' || row.operator === 'not_in') properties[path] = { [row.operator]: row.value.split(',').map((v) => scalar(v.trim())).filter((v) => v !== '') };
    else if (row.operator === 'exists') properties[path] = { exists: row.value.trim() !== 'false' };
    else if (['gt', 'gte', 'lt', 'lte'].includes(row.operator)) properties[path] = { [row.operator]: Number(row.value) };
    else properties[path] = { [row.operator]: row.value };
  }
  return properties;
}

/** Builds the form for `touchpoint`; `onChange(match)` gets the new rule, `preview()` the server's count. */
export function matchRuleEditor({ touchpoint, canEdit, onChange, preview }) {
  const match = touchpoint.match ?? {};
  let rows = conditionRows(match.properties);
  const write = (changes) => {
    const next = { ...match, ...changes };
    for (const key of Object.keys(next)) if (next[key] === '' || next[key] === undefined || (key === 'properties' && !Object.keys(next[key]).length)) delete next[key];
    onChange(Object.keys(next).length ? next : null);
  };
  const box = el('fieldset', { class: 'match-rule', 'data-list': 'match' }, el('legend', { text: 'Match rule: the events that are this touchpoint' }));
  const field = (label, control, key, name) => {
    control.dataset.field = name;
    control.setAttribute('aria-label', label);
    control.addEventListener(control.tagName === 'SELECT' ? 'change' : 'input', () => write({ [key]: control.value }));
    return el('label', { class: 'inline' }, el('span', { text: label }), control);
  };
  const type = el('select');
  for (const option of TYPES) type.append(el('option', { value: option, text: option || 'any type' }));
  type.value = match.type ?? '';
  box.append(
    field('Event name (* matches any text)', el('input', { value: match.event ?? '', placeholder: 'Order Completed' }), 'event', 'match.event'),
    field('Type', type, 'type', 'match.type'),
    field('Channel', el('input', { value: match.channel ?? '', placeholder: 'any channel' }), 'channel', 'match.channel'));
  const list = el('div', { class: 'conditions' });
  rows.forEach((row, index) => {
    const path = el('input', { value: row.path, placeholder: 'property, e.g. plan or context.page.path', 'aria-label': `Condition ${index + 1}: property`, 'data-field': `match.${index}.path` });
    const operator = el('select', { 'aria-label': `Condition ${index + 1}: operator`, 'data-field': `match.${index}.operator` });
    for (const [value, label] of Object.entries(OPERATORS)) operator.append(el('option', { value, text: label }));
    operator.value = row.operator;
    const value = el('input', { value: row.value, placeholder: 'value (lists: a, b)', 'aria-label': `Condition ${index + 1}: value`, 'data-field': `match.${index}.value` });
    const update = () => { rows[index] = { path: path.value, operator: operator.value, value: value.value }; write({ properties: conditionsObject(rows) }); };
    path.addEventListener('input', update);
    operator.addEventListener('change', update);
    value.addEventListener('input', update);
    list.append(el('div', { class: 'condition' }, path, operator, value,
      button('×', () => { rows = rows.filter((_, i) => i !== index); write({ properties: conditionsObject(rows) }); }, { class: 'remove', 'aria-label': `Remove condition ${index + 1}` })));
  });
  box.append(list, button('Add a condition', () => { rows = [...rows, { path: 'property', operator: 'equals', value: '' }]; write({ properties: conditionsObject(rows) }); }));
  const count = el('div', { class: 'match-count', role: 'status', 'aria-live': 'polite', text: canEdit ? 'Counting the events it takes…' : '' });
  box.append(count);
  if (canEdit) {
    preview().then((result) => {
      if (!result) { count.textContent = ''; return; }
      const sample = el('ul', { class: 'sample' });
      for (const event of result.sample ?? []) sample.append(el('li', { text: `${event.name} · ${event.type} · ${event.channel || 'no channel'} · ${when(event.timestamp)}` }));
      count.replaceChildren(
        el('p', {}, el('strong', { text: `${result.events.toLocaleString()} events` }), ` of ${result.customers.toLocaleString()} customers are this touchpoint`,
          result.claimed_earlier ? `; ${result.claimed_earlier.toLocaleString()} more fit the rule but an earlier touchpoint takes them` : '', '.'),
        result.sample?.length ? el('p', { class: 'hint', text: 'For example:' }) : el('p', { class: 'hint', text: `None of the ${result.stored_events.toLocaleString()} stored events fit.` }),
        sample);
    }).catch((error) => { count.textContent = `Not counted: ${error.message}`; });
  }
  return box;
}
