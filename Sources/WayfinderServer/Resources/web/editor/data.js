/**
 * The measured journey on the map: customers and the share reaching the goal on every card,
 * the measured emotion drawn against the designed curve, friction marked where it costs the
 * most; and for a selected touchpoint a panel with its place in the funnel, its friction
 * findings, its survey answers, the customers who passed it (a page at a time, or all as CSV);
 * for a selected stage, the customers who reached it as a step of the stage funnel or dropped
 * before it (a page at a time, or all as CSV)
 * and what they said in surveys there. Every number comes from the analyses of the JSON API (the
 * same as `wayfinder analyze`); events no touchpoint describes are offered as new touchpoints.
 */
import { el, button } from './dom.js';

const percent = (value) => (typeof value === 'number' ? `${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%` : '—');
const count = (value) => (typeof value === 'number' ? value.toLocaleString() : '—');
const day = (iso) => {
  const date = new Date(iso ?? '');
  return Number.isNaN(date.getTime()) ? '—' : date.toLocaleDateString(undefined, { dateStyle: 'medium' });
};
const dates = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
/** The days from `first` to `last` (ISO 8601) as one range, `Mar 3 – 10, 2026`, or one day. */
const span = (first, last) => {
  const from = new Date(first ?? ''), to = new Date(last ?? '');
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return '—';
  return from.toDateString() === to.toDateString() ? dates.format(from) : dates.formatRange(from, to);
};
/** Rows a page of customers or answers holds. */
const PAGE = 10;
const FRICTION_KINDS = { drop_off: 'customers leave here', loop: 'customers loop back', repeat_contact: 'customers contact again', slow: 'a slow step', negative_feedback: 'unhappy answers' };

export function createData({ root, client, workspace, map, onData, onCandidate, canEdit }) {
  let measured = null;
  let problem = null;
  // The drill-down of the selected touchpoint: its pages of customers and answers, loaded when the
  // panel shows it, kept in a section of its own so a page turns without redrawing the panel.
  let drill = null;
  const drillRoot = el('section', { class: 'drilldown', 'aria-label': 'Customers and answers' });
  const analysesURL = `/api/v1/workspaces/${encodeURIComponent(workspace)}/analyses`;

  async function analyse(kind, options) {
    const response = await fetch(analysesURL, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': client.csrf },
      body: JSON.stringify(options ? { kind, journey: map, options } : { kind, journey: map }),
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
    drill = null;
    onData(measured);
    return measured;
  }

  function clear() {
    measured = null;
    drill = null;
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
      const stage = selection.kind === 'stage' ? doc.stages?.find((s) => s.id === selection.id) : null;
      if (touchpoint) parts.push(...touchpointPart(touchpoint, doc));
      else if (stage) parts.push(...stagePart(stage, doc));
      else parts.push(el('p', { class: 'hint', text: 'Select a touchpoint for its numbers, or a stage for the customers at that step of the funnel.' }));
      parts.push(...candidatesPart());
    }
    root.replaceChildren(...parts);
  }

  /** The map's emotion scale as people read it: "−2…2". */
  function scaleText(doc) {
    const scale = doc.emotion_scale ?? { min: -2, max: 2 };
    const sign = (n) => (n < 0 ? `−${-n}` : String(n));
    return `${sign(scale.min)}…${sign(scale.max)}`;
  }

  function touchpointPart(touchpoint, doc) {
    const data = measured.byTouchpoint[touchpoint.id] ?? {};
    const stage = doc.stages?.find((s) => s.id === touchpoint.stage);
    const rows = [
      ['Stage', stage?.name ?? touchpoint.stage],
      ['Customers here', count(data.visitors)],
      ['Went on to the goal', data.visitors ? `${count(data.converted)} (${percent(data.conversion)})` : '—'],
      ['Designed emotion', typeof touchpoint.emotion === 'number' ? String(touchpoint.emotion) : 'not set'],
      ['Measured emotion', data.emotion?.count ? `${data.emotion.mean.toFixed(2)} on the map's ${scaleText(doc)} (95% from ${data.emotion.ci95_low.toFixed(2)} to ${data.emotion.ci95_high.toFixed(2)}; ${data.emotion.count} answers)` : 'no answers'],
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
    parts.push(drillPart(touchpoint));
    return parts;
  }

  /** A stage as a step of the stage funnel (ordered, 30 days): who reached it, or who reached the step before and not it. */
  function stagePart(stage, doc) {
    if (drill?.step !== stage.id) {
      drill = { step: stage.id, first: doc.stages?.[0]?.id === stage.id, dropped: false, name: stage.name ?? stage.id, customers: null, note: '' };
    }
    const parts = [el('h3', { text: stage.name ?? stage.id }),
      el('p', { class: 'hint', text: 'As a step of the stage funnel (ordered, 30-day window, as wayfinder analyze funnel counts it).' })];
    if (!root.hidden && !drill.customers && !drill.customersLoading) loadCustomers(0);
    fillDrill();
    parts.push(drillRoot);
    return parts;
  }

  /** What the drill-down lists: a touchpoint's customers, or a funnel step's. */
  function drillOptions(current) {
    return current.step ? { step: current.step, dropped: current.dropped } : { touchpoint: current.touchpoint };
  }

  /** The section of customers and answers for `touchpoint`, loading what it lacks when the panel shows. */
  function drillPart(touchpoint) {
    // A touchpoint added or renamed since the map was measured has no customers to list yet.
    if (typeof measured.byTouchpoint[touchpoint.id]?.visitors !== 'number') {
      return el('p', { class: 'hint', text: 'Its customers and their answers are listed once the map is measured with this touchpoint: turn “Live numbers” off and on.' });
    }
    if (drill?.touchpoint !== touchpoint.id) {
      drill = { touchpoint: touchpoint.id, name: touchpoint.name ?? touchpoint.id, customers: null, verbatims: null, note: '' };
    }
    if (!root.hidden) {
      if (!drill.customers && !drill.customersLoading) loadCustomers(0);
      if (!drill.verbatims && !drill.verbatimsLoading) loadVerbatims(0);
    }
    fillDrill();
    return drillRoot;
  }

  async function loadCustomers(offset) {
    const current = drill;
    current.customersLoading = true;
    try {
      current.customers = (await analyse('customers', { ...drillOptions(current), limit: PAGE, offset })).customers;
      current.customersProblem = null;
    } catch (error) {
      current.customersProblem = error.message;
    }
    current.customersLoading = false;
    if (drill === current) fillDrill();
  }

  async function loadVerbatims(offset) {
    const current = drill;
    current.verbatimsLoading = true;
    try {
      current.verbatims = (await analyse('verbatims', { touchpoint: current.touchpoint, limit: PAGE, offset })).verbatims;
      current.verbatimsProblem = null;
    } catch (error) {
      current.verbatimsProblem = error.message;
    }
    current.verbatimsLoading = false;
    if (drill === current) fillDrill();
  }

  /** Downloads every customer who passed the touchpoint as CSV: the rows `wayfinder analyze customers --format csv` writes. */
  async function downloadCustomers() {
    const current = drill;
    try {
      const response = await fetch(`${analysesURL}?format=csv`, {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'text/csv', 'X-CSRF-Token': client.csrf },
        body: JSON.stringify({ kind: 'customers', journey: map, options: drillOptions(current) }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
      }
      const file = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `${map}-customers.csv`;
      const link = el('a', { href: URL.createObjectURL(await response.blob()), download: file, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
      current.note = `Downloaded ${file}.`;
    } catch (error) {
      current.note = `No download: ${error.message}`;
    }
    if (drill === current) fillDrill();
  }

  function pager(what, page, load) {
    const first = page.offset, shown = (page.customers ?? page.verbatims).length;
    return el('div', { class: 'pager' },
      button('Previous', () => load(Math.max(0, first - PAGE)), { 'aria-label': `Previous ${what}`, 'data-focus': `${what}-previous`, disabled: first === 0 }),
      button('Next', () => load(first + PAGE), { 'aria-label': `Next ${what}`, 'data-focus': `${what}-next`, disabled: first + shown >= page.total }));
  }

  function fillDrill() {
    const focused = drillRoot.contains(document.activeElement) ? document.activeElement.dataset.focus : null;
    // Who is listed, in words: the touchpoint's visitors, or the step's customers.
    const who = drill.step ? (drill.dropped ? `dropped before “${drill.name}”` : `reached “${drill.name}”`) : `passed “${drill.name}”`;
    const parts = [el('h3', { text: drill.step ? `Customers who ${drill.dropped ? 'dropped before it' : 'reached it'}` : 'Customers who passed' })];
    if (drill.step) {
      const choose = (dropped) => () => {
        if (drill.dropped === dropped) return;
        drill = { ...drill, dropped, customers: null, customersProblem: null, note: '' };
        loadCustomers(0);
        fillDrill();
      };
      parts.unshift(el('div', { class: 'segmented', role: 'group', 'aria-label': 'Which customers of the step' },
        button('Reached it', choose(false), { 'aria-pressed': String(!drill.dropped), 'data-focus': 'step-reached' }),
        button(drill.first ? 'Reached no step' : 'Dropped before it', choose(true), { 'aria-pressed': String(drill.dropped), 'data-focus': 'step-dropped' })));
    }
    const list = drill.customers;
    if (drill.customersProblem) parts.push(el('p', { class: 'hint', text: drill.customersProblem }));
    else if (!list) parts.push(el('p', { class: 'hint', text: 'Loading the customers…' }));
    else if (list.total === 0) parts.push(el('p', { class: 'hint', text: `No customer ${who}.` }));
    else {
      const from = list.offset + 1, to = list.offset + list.customers.length;
      parts.push(el('p', { class: 'drill-total' }, `${count(list.total)} customers, ${count(list.converted)} of whom went on to the goal; showing ${count(from)}–${count(to)}.`));
      const table = el('table', { class: 'drill-table' }, el('caption', { text: `Customers who ${who}, ${from} to ${to} of ${list.total}` }),
        el('thead', {}, el('tr', {}, ...['Customer', drill.step ? 'First – last event' : 'Here (first – last)', drill.step ? 'Events' : 'Visits', 'Goal reached'].map((name) => el('th', { scope: 'col', text: name })))));
      const body = el('tbody');
      for (const row of list.customers) {
        body.append(el('tr', {}, el('th', { scope: 'row', title: row.id }, el('span', { class: 'drill-who', text: row.name ?? row.id }),
          el('span', { class: 'drill-persona', text: row.persona ?? 'no persona' })),
        el('td', { text: span(row.first_visit, row.last_visit) }), el('td', { class: 'number', text: count(row.visits) }),
        el('td', { text: row.reached_goal ? day(row.goal_at) : 'no' })));
      }
      table.append(body);
      parts.push(el('div', { class: 'drill-scroll' }, table), pager('customers', list, loadCustomers),
        button('Download CSV', downloadCustomers, { 'aria-label': `Download all ${list.total} customers who ${who} as CSV`, 'data-focus': 'customers-csv' }));
    }
    parts.push(el('p', { class: 'hint', role: 'status', text: drill.note }));
    if (drill.step) {
      drillRoot.replaceChildren(...parts);
      if (focused) drillRoot.querySelector(`[data-focus="${focused}"]:not([disabled])`)?.focus();
      return;
    }
    parts.push(el('h3', { text: 'What they said' }));
    const said = drill.verbatims;
    if (drill.verbatimsProblem) parts.push(el('p', { class: 'hint', text: drill.verbatimsProblem }));
    else if (!said) parts.push(el('p', { class: 'hint', text: 'Loading the answers…' }));
    else if (said.total === 0) parts.push(el('p', { class: 'hint', text: `No survey answer with text here (${count(said.answers)} answers in all).` }));
    else {
      parts.push(el('p', { class: 'drill-total' }, `${count(said.total)} answers with text of ${count(said.answers)}, newest first.`));
      const answers = el('ol', { class: 'verbatims', start: said.offset + 1 });
      for (const row of said.verbatims) {
        const score = typeof row.score === 'number' ? ` ${row.score}` : '';
        answers.append(el('li', { class: `polarity-${row.polarity}` }, el('blockquote', { text: row.text }),
          el('p', { class: 'verbatim-meta', text: `${row.metric.toUpperCase()}${score} · ${row.polarity} · ${day(row.time)} · ${row.name ?? row.customer}` })));
      }
      parts.push(answers, pager('answers', said, loadVerbatims));
    }
    drillRoot.replaceChildren(...parts);
    if (focused) {
      const other = focused.endsWith('-next') ? focused.replace(/-next$/, '-previous') : focused.replace(/-previous$/, '-next');
      (drillRoot.querySelector(`[data-focus="${focused}"]:not([disabled])`) ?? drillRoot.querySelector(`[data-focus="${other}"]:not([disabled])`))?.focus();
    }
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
