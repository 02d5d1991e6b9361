/** Small helpers for building the panels' elements without HTML strings. */

/** An element with attributes (`text` sets its text, `class` its class, true/false/null as HTML does) and children. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** A button that runs `action` when pressed. */
export function button(text, action, attributes = {}) {
  const node = el('button', { type: 'button', text, ...attributes });
  node.addEventListener('click', action);
  return node;
}

/** A date and time as people read it, in their own time zone. */
export function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso ?? '') : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** What a comment target is called on screen: the names of the map's elements, not their ids. */
export function targetName(target, doc) {
  if (!target || target === 'map') return 'The whole map';
  const [head, lane, index] = target.split('/');
  const [kind, id] = head.split(':');
  if (kind === 'stage') return `Stage “${doc.stages?.find((s) => s.id === id)?.name ?? id}”`;
  const touchpoint = doc.touchpoints?.find((t) => t.id === id);
  const name = `“${touchpoint?.name ?? id}”`;
  if (!lane) return name;
  const laneKey = lane.slice(5);
  const labels = { actions: 'doing', thoughts: 'thinking', questions: 'asking', pain_points: 'pain point', opportunities: 'opportunity', kpis: 'KPI' };
  return `${name}, ${labels[laneKey] ?? laneKey} ${Number(index) + 1}`;
}
