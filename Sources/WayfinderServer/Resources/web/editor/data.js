/**
 * The measured journey on the map: customers and the share reaching the goal on every card,
 * the measured emotion drawn against the designed curve, friction marked where it costs the
 * most; and for a selected touchpoint a panel with its place in the funnel, its friction
 * findings and its survey answers. Every number comes from the analyses of the JSON API (the
 * same as `wayfinder analyze`); events no touchpoint describes are offered as new touchpoints.
 */
import { el, button } from './dom.js';

const percent = (value) => (typeof value === 'number' ? `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%` : '—');
const count = (value) => (typeof value === 'number' ? value.toLocaleString() : '—');
const FRICTION_KINDS = { drop_off: 'customers leave here', loop: 'customers loop back', repeat_contact: 'customers contact again', slow: 'a slow step', negative_feedback: 'unhappy answers' };

export function createData({ root, client, workspace, map, onData, onCandidate, canEdit }) {
  let measured = null;
  let problem = null;

  async function analyse(kind) {
    const response = await fetch(`/api/v1/workspaces/${encodeURIComponent(workspace)}/analyses`, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': client.csrf },
      body: JSON.stringify({ kind, journey: map }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
    return body;
  }

  /** Measures the map (the three analyses at once) and lays the numbers on it. */
  async function load() {
    try {
      const [touchpoints, emotions, friction] = await Promise.all([analyse('touchpoints'), analyse('emotions'), analyse('friction')]);
      const byTouchpoint = {};
      for (const t of touchpoints.touchpoints?.touchpoints ?? []) byTouchpoint[t.id] = { visitors: t.visitors, conversion: t.conversion, converted: t.converted, stage: t.stage };
      for (const e of emotions.emotions?.touchpoints ?? []) Object.assign(byTouchpoint[e.id] ??= {}, { emotion: e.measured, designed: e.designed, answers: e.answers });
      for (const finding of friction.friction?.findings ?? []) {
        const entry = byTouchpoint[finding.touchpoint] ??= {};
        (entry.friction ??= []).push(finding);
      }
      measured = { byTouchpoint, customers: touchpoints.index?.customers_with_events, conversion: friction.friction?.conversion,
        unclassified: touchpoints.index?.top_unclassified ?? [] };
      problem = null;
    } catch (error) {
      measured = null;
      problem = error.message;
    }
    onData(measured);
    return measured;
  }

  function clear() {
    measured = null;
    onData(null);
  }

  /** The panel for `selection` in `doc`. */
  function render(doc, selection) {
    const parts = [el('h2', { text: 'Measured' })];
    if (problem) parts.push(el('p', { class: 'hint', text: problem }));
    else if (!measured) parts.push(el('p', { class: 'hint', text: 'Turn on “Live numbers” to measure this map on the workspace’s data.' }));
    else {
      parts.push(el('p', {}, `${count(measured.customers)} customers with events on the map; ${percent(measured.conversion)} reach its goal.`),
        el('p', { class: 'hint', text: 'On each card: customers there · the share of them who went on to the goal · the friction rank. On the curve: the designed emotion (solid blue) and the measured one from survey answers (dashed red).' }));
      const touchpoint = selection.kind === 'touchpoint' ? doc.touchpoints?.find((t) => t.id === selection.id) : null;
      if (touchpoint) parts.push(...touchpointPart(touchpoint, doc));
      else parts.push(el('p', { class: 'hint', text: 'Select a touchpoint for its numbers.' }));
      parts.push(...candidatesPart());
    }
    root.replaceChildren(...parts);
  }

  function touchpointPart(touchpoint, doc) {
    const data = measured.byTouchpoint[touchpoint.id] ?? {};
    const stage = doc.stages?.find((s) => s.id === touchpoint.stage);
    const rows = [
      ['Stage', stage?.name ?? touchpoint.stage],
      ['Customers here', count(data.visitors)],
      ['Went on to the goal', data.visitors ? `${count(data.converted)} (${percent(data.conversion)})` : '—'],
      ['Designed emotion', typeof touchpoint.emotion === 'number' ? String(touchpoint.emotion) : 'not set'],
      ['Measured emotion', data.emotion?.count ? `${data.emotion.mean.toFixed(2)} on −1…1 (95% from ${data.emotion.ci95_low.toFixed(2)} to ${data.emotion.ci95_high.toFixed(2)}; ${data.emotion.count} answers)` : 'no answers'],
    ];
    const table = el('dl', { class: 'figures-list' });
    for (const [name, value] of rows) table.append(el('dt', { text: name }), el('dd', { text: value }));
    const parts = [el('h3', { text: touchpoint.name ?? touchpoint.id }), table];
    const answers = data.answers ? Object.entries(data.answers).filter(([, n]) => n > 0) : [];
    if (answers.length) parts.push(el('p', {}, `Survey answers: ${answers.map(([metric, n]) => `${n} ${metric.toUpperCase()}`).join(', ')}.`));
    const findings = data.friction ?? [];
    parts.push(el('h3', { text: 'Friction here' }));
    if (findings.length === 0) parts.push(el('p', { class: 'hint', text: 'No friction finding at this touchpoint.' }));
    else {
      const list = el('ol', { class: 'findings' });
      for (const finding of findings) {
        list.append(el('li', {}, el('strong', { text: `#${finding.rank}: ${FRICTION_KINDS[finding.kind] ?? finding.kind}` }),
          ` — ${count(finding.customers)} customers, ${percent(finding.rate)} against ${percent(finding.baseline_rate)} elsewhere; about ${Math.round(finding.conversions_lost ?? 0)} conversions lost.`));
      }
      parts.push(list);
    }
    return parts;
  }

  function candidatesPart() {
    const events = measured.unclassified ?? [];
    if (!events.length) return [];
    const list = el('ul', { class: 'candidates' });
    for (const event of events.slice(0, 8)) {
      const item = el('li', {}, `${event.name} (${event.channel ?? 'any channel'}): ${count(event.events)} events`);
      if (canEdit) item.append(' ', button('Make it a touchpoint', () => onCandidate(event), { 'aria-label': `Make “${event.name}” on ${event.channel ?? 'any channel'} a touchpoint` }));
      list.append(item);
    }
    return [el('h3', { text: 'Events no touchpoint describes' }), list];
  }

  return { load, clear, render, get measured() { return measured; } };
}
