/**
 * Presentation mode: the map shown stage by stage, full screen, for a room. A title slide, one
 * slide per persona of the map, one per stage (its touchpoints as large cards, the emotion curve
 * drawn as the story goes: the points of every stage so far, the earlier ones faded) and a
 * closing slide with the whole curve and the worst pain points. A future-state map shows, under
 * each stage, what the current-state map it improves has there today. With live numbers on (N),
 * a live map's stage slides show how many customers reached each touchpoint and the goal.
 *
 * It only reads the document; it never changes it.
 */

const SEVERITY_RANK = { critical: 4, high: 3, medium: 2, low: 1 };
const TOP_PAIN_POINTS = 5;
const FIT_FLOOR = 0.55;

/** The presentation running now, so a second start replaces it. */
let running = null;

/** Starts presenting; returns a function that stops. */
export function startPresentation(options = {}) {
  if (running) running();
  const stop = present(options);
  running = stop;
  return stop;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  for (const child of children) if (child) node.append(child);
  return node;
}

function itemText(item) { return typeof item === 'string' ? item : item?.text ?? ''; }
function itemEvidence(item) { return typeof item === 'string' ? null : item?.evidence ?? null; }
function list(value) { return Array.isArray(value) ? value : []; }

const counts = new Intl.NumberFormat('en-GB');
function customers(n) { return `${counts.format(n)} customer${n === 1 ? '' : 's'}`; }
function percent(share) {
  const value = share * 100;
  return `${value >= 10 || value === 0 ? Math.round(value) : value.toFixed(1)}%`;
}
function emotionText(value) {
  if (typeof value !== 'number') return 'not set';
  return value > 0 ? `+${value}` : value < 0 ? `−${Math.abs(value)}` : '0';
}
function capitalised(text) { return text ? text[0].toUpperCase() + text.slice(1) : ''; }

/** Up to two initials, as the rendered map draws a persona without a photo. */
function initials(name) {
  const words = String(name ?? '').split(',')[0].split(/[ -]+/).filter(Boolean);
  const letters = words.slice(0, 2).map((w) => w[0].toUpperCase());
  return letters.length ? letters.join('') : '?';
}

/** A photo the page may load (same origin or inline data; the page's policy blocks the rest). */
function usablePhoto(photo) {
  if (typeof photo !== 'string' || !photo) return null;
  if (/^data:image\//i.test(photo)) return photo;
  if (photo.startsWith('/') && !photo.startsWith('//')) return photo;
  try {
    const url = new URL(photo);
    return url.origin === window.location.origin ? url.href : null;
  } catch { return null; }
}

function evidenceBadge(evidence) {
  if (!evidence) return null;
  return element('span', { class: `pr-evidence ${evidence}`, title: `Evidence: ${evidence}` },
    element('span', { 'aria-hidden': 'true', text: evidence[0].toUpperCase() }),
    element('span', { class: 'pr-hidden', text: ` (${evidence})` }));
}

/** Text with its evidence badge, the badge kept on the line of the last word. */
function withEvidence(item) {
  const text = itemText(item);
  const badge = evidenceBadge(itemEvidence(item));
  if (!badge) return [text];
  const at = text.trimEnd().lastIndexOf(' ');
  return [text.slice(0, at + 1), element('span', { class: 'pr-nowrap' }, text.slice(at + 1), badge)];
}

function severityChip(severity) {
  const known = SEVERITY_RANK[severity] ? severity : 'unrated';
  return element('span', { class: `pr-severity ${known}`, text: known === 'unrated' ? 'Unrated' : capitalised(severity) });
}

function bySeverity(a, b) { return (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0); }

// ---------------------------------------------------------------------------------------------
// Live numbers

/** Whether the server measures the map: a future-state map only once it has `live_from`. */
function isLive(doc) {
  return !(doc.state === 'future' && !doc.live_from);
}

/**
 * The map's numbers: customers per stage (the funnel) and per touchpoint, with the share who went
 * on to reach the goal (the touchpoints analysis). `{status: 'ready'|'unavailable', …}`.
 */
async function loadNumbers({ doc, workspace, map, csrf }) {
  if (!isLive(doc)) return { status: 'unavailable', reason: 'This future-state map is not live yet, so it has no measured numbers.' };
  if (!workspace || !map) return { status: 'unavailable', reason: 'No map to measure.' };
  const call = async (kind) => {
    const response = await fetch(`/api/v1/workspaces/${encodeURIComponent(workspace)}/analyses`, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf ?? '' },
      body: JSON.stringify({ kind, journey: map }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new Error(body?.error?.message ?? `the server answered ${response.status}`);
    return body;
  };
  const [funnel, touchpoints] = await Promise.allSettled([call('funnel'), call('touchpoints')]);
  const stages = new Map();
  const rows = new Map();
  let total = null;
  if (funnel.status === 'fulfilled' && funnel.value?.funnel) {
    const f = funnel.value.funnel;
    if (f.step_kind === 'stage' || f.step_kind === undefined) for (const step of list(f.steps)) stages.set(step.id, step);
    if (typeof f.customers === 'number') total = f.customers;
  }
  if (touchpoints.status === 'fulfilled' && touchpoints.value?.touchpoints) {
    for (const row of list(touchpoints.value.touchpoints.touchpoints)) rows.set(row.id, row);
    if (total === null && typeof touchpoints.value.index?.customers === 'number') total = touchpoints.value.index.customers;
  }
  if (stages.size === 0 && rows.size === 0) {
    const failure = funnel.reason ?? touchpoints.reason;
    return { status: 'unavailable', reason: `The live numbers could not be loaded${failure?.message ? `: ${failure.message}` : ''}.` };
  }
  // The goal: a touchpoint (its visitors are the converted customers), else a stage or the last stage.
  const goalTouchpoint = list(doc.touchpoints).find((t) => t.id === doc.goal);
  const goalStage = list(doc.stages).find((s) => s.id === doc.goal) ?? (doc.goal ? null : list(doc.stages).at(-1));
  const goalName = goalTouchpoint?.name ?? goalStage?.name ?? doc.goal ?? 'the goal';
  const goalRow = goalTouchpoint ? rows.get(goalTouchpoint.id) : null;
  const reachedGoal = goalRow && total ? goalRow.visitors / total : null;
  return { status: 'ready', stages, rows, total, goalName, goalTouchpoint: goalTouchpoint?.id ?? null, reachedGoal, converted: goalRow?.visitors ?? null };
}

// ---------------------------------------------------------------------------------------------
// The emotion curve

/** Columns as the editor lays the map out: each touchpoint in stage order, an empty stage one column. */
function columnsOf(doc) {
  const columns = [];
  const bands = [];
  list(doc.stages).forEach((stage, index) => {
    const first = columns.length;
    const mine = list(doc.touchpoints).filter((t) => t.stage === stage.id);
    if (mine.length === 0) columns.push({ stage: stage.id, stageIndex: index, touchpoint: null });
    for (const touchpoint of mine) columns.push({ stage: stage.id, stageIndex: index, touchpoint });
    bands.push({ stage, index, first, count: columns.length - first });
  });
  return { columns, bands };
}

/**
 * Draws the curve into `frame` at its size in pixels: the points of the stages up to `upto`
 * (every stage when null), those before `current` faded. With `other`, that map's points of the
 * same stages are drawn dashed inside each stage's band ("today").
 */
function drawCurve(frame, { doc, upto, current, other }) {
  const width = Math.max(200, frame.clientWidth);
  const height = Math.max(60, frame.clientHeight);
  const scale = doc.emotion_scale ?? { min: -2, max: 2 };
  const span = scale.max - scale.min || 1;
  const font = Math.max(11, Math.min(22, height / 9));
  const pad = { left: font * 2.6, right: font * 0.8, top: font * 0.8, bottom: font * 1.9 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const { columns, bands } = columnsOf(doc);
  const columnW = plotW / Math.max(1, columns.length);
  const xOf = (column) => pad.left + (column + 0.5) * columnW;
  const yOf = (value) => pad.top + ((scale.max - value) / span) * plotH;
  const last = upto ?? bands.length - 1;
  const radius = Math.max(4, Math.min(9, columnW / 9, plotH / 10));

  const drawing = svg('svg', { class: 'pr-curve', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img' });
  const described = [];

  for (const band of bands) {
    const x = pad.left + band.first * columnW;
    const w = band.count * columnW;
    const state = upto === null || upto === undefined ? 'all' : band.index < current ? 'past' : band.index === current ? 'now' : 'later';
    drawing.append(svg('rect', { class: `pr-band ${state} ${band.index % 2 ? 'odd' : 'even'}`, x, y: pad.top, width: w, height: plotH }));
    const name = band.stage.name ?? band.stage.id;
    const room = Math.max(1, Math.floor((w - 6) / (font * 0.56)));
    const label = svg('text', { class: `pr-band-label ${state}`, x: x + w / 2, y: height - font * 0.55, 'font-size': font, 'text-anchor': 'middle' });
    label.textContent = name.length > room ? `${name.slice(0, Math.max(1, room - 1))}…` : name;
    if (name.length > room) label.append(svg('title', {}, document.createTextNode(name)));
    drawing.append(label);
  }
  const neutral = yOf((scale.min + scale.max) / 2);
  drawing.append(svg('line', { class: 'pr-neutral', x1: pad.left, x2: width - pad.right, y1: neutral, y2: neutral }));
  for (const [value, y] of [[scale.max, pad.top], [scale.min, pad.top + plotH]]) {
    const tick = svg('text', { class: 'pr-axis', x: pad.left - font * 0.4, y: y + font * 0.35, 'font-size': font * 0.9, 'text-anchor': 'end' });
    tick.textContent = emotionText(value);
    drawing.append(tick);
  }

  // Today's points first, so the map's own curve is drawn over them.
  if (other) {
    const today = [];
    for (const band of bands) {
      if (band.index > last) continue;
      const theirs = list(other.touchpoints).filter((t) => t.stage === band.stage.id && typeof t.emotion === 'number');
      theirs.forEach((t, j) => {
        const x = pad.left + band.first * columnW + ((j + 0.5) * band.count * columnW) / theirs.length;
        today.push({ t, x, y: yOf(t.emotion), stageIndex: band.index });
      });
    }
    for (let i = 1; i < today.length; i += 1) {
      const a = today[i - 1], b = today[i];
      const faded = upto !== null && upto !== undefined && b.stageIndex < current;
      drawing.append(svg('line', { class: `pr-today-line${faded ? ' past' : ''}`, x1: a.x, y1: a.y, x2: b.x, y2: b.y }));
    }
    for (const p of today) {
      const faded = upto !== null && upto !== undefined && p.stageIndex < current;
      drawing.append(svg('circle', { class: `pr-today-point${faded ? ' past' : ''}`, cx: p.x, cy: p.y, r: radius * 0.7, 'data-today-touchpoint': p.t.id },
        svg('title', {}, document.createTextNode(`Today, ${p.t.name ?? p.t.id}: ${emotionText(p.t.emotion)}`))));
    }
  }

  const points = columns.map((c, i) => ({ ...c, i }))
    .filter((c) => c.touchpoint && typeof c.touchpoint.emotion === 'number' && c.stageIndex <= last);
  for (let i = 1; i < points.length; i += 1) {
    const a = points[i - 1], b = points[i];
    const faded = upto !== null && upto !== undefined && b.stageIndex < current;
    drawing.append(svg('line', { class: `pr-line${faded ? ' past' : ''}`, x1: xOf(a.i), y1: yOf(a.touchpoint.emotion), x2: xOf(b.i), y2: yOf(b.touchpoint.emotion) }));
  }
  for (const p of points) {
    const state = upto === null || upto === undefined ? 'now' : p.stageIndex < current ? 'past' : 'now';
    const t = p.touchpoint;
    drawing.append(svg('circle', {
      class: `pr-point ${state}`, cx: xOf(p.i), cy: yOf(t.emotion), r: state === 'now' ? radius : radius * 0.8,
      'data-touchpoint': t.id, 'data-stage': t.stage,
    }, svg('title', {}, document.createTextNode(`${t.name ?? t.id}: ${emotionText(t.emotion)}`))));
    described.push(`${t.name ?? t.id} ${emotionText(t.emotion)}`);
  }
  const through = upto === null || upto === undefined ? 'the whole journey' : `stages 1 to ${last + 1}`;
  drawing.setAttribute('aria-label', `Emotion curve, ${through}: ${described.length ? described.join(', ') : 'no emotions set'}`);
  frame.replaceChildren(drawing);
}

// ---------------------------------------------------------------------------------------------
// Slides

/** How many items of each list a card shows, fewer when a stage has many touchpoints. */
function capsFor(count, compare) {
  if (count <= 2) return { doing: 4, thinking: 3, pains: 4, opportunities: 3 };
  if (count <= 3 && !compare) return { doing: 3, thinking: 2, pains: 3, opportunities: 2 };
  return { doing: 2, thinking: 1, pains: 2, opportunities: 1 };
}

function section(title, className, items, cap, render) {
  if (!items.length) return null;
  const shown = items.slice(0, cap);
  const ul = element('ul', {}, shown.map(render));
  const more = items.length - shown.length;
  return element('div', { class: `pr-section ${className}` },
    element('h4', { text: title }), ul,
    more > 0 ? element('p', { class: 'pr-more', text: `+ ${more} more on the map` }) : null);
}

function touchpointCard(doc, t, caps, measured) {
  const thinking = [...list(t.thoughts), ...list(t.questions)];
  const pains = [...list(t.pain_points)].sort(bySeverity);
  const isGoal = doc.goal === t.id;
  const card = element('article', { class: `pr-card ${t.evidence ?? ''}`, 'data-touchpoint': t.id, 'aria-labelledby': `pr-card-${t.id}` },
    element('div', { class: 'pr-card-top' },
      element('span', { class: 'pr-channel', text: t.channel ?? '' }),
      isGoal ? element('span', { class: 'pr-goal', text: 'Goal' }) : null,
      element('span', { class: 'pr-feeling', text: `Feeling ${emotionText(t.emotion)}` }),
      evidenceBadge(t.evidence)),
    element('h3', { id: `pr-card-${t.id}`, text: t.name ?? t.id }),
    measured,
    section('Doing', 'doing', list(t.actions), caps.doing, (item) => element('li', {}, withEvidence(item))),
    section('Thinking and asking', 'thinking', thinking, caps.thinking, (item) => element('li', {}, withEvidence(item))),
    section('Pain points', 'pains', pains, caps.pains, (item) => element('li', {}, severityChip(item.severity), ' ', withEvidence(item))),
    section('Opportunities', 'opportunities', list(t.opportunities), caps.opportunities, (item) => element('li', {},
      itemText(item),
      item.owner || item.priority ? element('span', { class: 'pr-owner', text: ` — ${[item.owner, item.priority ? `${item.priority} priority` : null].filter(Boolean).join(', ')}` }) : null)));
  return card;
}

function todayCard(t) {
  const worst = [...list(t.pain_points)].sort(bySeverity)[0];
  return element('article', { class: 'pr-today-card', 'data-today-touchpoint': t.id },
    element('div', { class: 'pr-card-top' },
      element('span', { class: 'pr-channel', text: t.channel ?? '' }),
      element('span', { class: 'pr-feeling', text: `Feeling ${emotionText(t.emotion)}` })),
    element('h4', { text: t.name ?? t.id }),
    worst ? element('p', { class: 'pr-today-pain' }, severityChip(worst.severity), ' ', itemText(worst)) : null);
}

/** The slides of `doc`: what each shows and how the progress line names it. */
function buildSlides({ doc, personas }) {
  const slides = [{ kind: 'title', label: 'Introduction' }];
  const byId = new Map(list(personas).map((p) => [p.id, p]));
  const mine = list(doc.personas).map((id) => byId.get(id)).filter(Boolean);
  mine.forEach((persona, i) => slides.push({ kind: 'persona', persona, label: `Persona ${i + 1} of ${mine.length}: ${persona.name ?? persona.id}` }));
  const stages = list(doc.stages);
  stages.forEach((stage, i) => slides.push({ kind: 'stage', stage, index: i, label: `Stage ${i + 1} of ${stages.length}: ${stage.name ?? stage.id}` }));
  slides.push({ kind: 'closing', label: 'Summary: the whole journey' });
  return slides;
}

// ---------------------------------------------------------------------------------------------
// The presentation

function present({ doc, personas, other, workspace, map, csrf, onExit } = {}) {
  doc = doc ?? {};
  const compare = doc.state === 'future' && other && typeof other === 'object' ? other : null;
  const slides = buildSlides({ doc, personas });
  const title = doc.title ?? map ?? 'journey map';
  const previousFocus = document.activeElement;
  const state = { index: 0, live: false, numbers: { status: 'loading' }, stopped: false, fullscreen: false };

  // The overlay: the slide, then a bar with the progress and the controls.
  const stage = element('div', { class: 'pr-viewport' });
  const fill = element('div', { class: 'pr-progress-fill' });
  const progress = element('p', { class: 'pr-progress', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const counter = element('span', { class: 'pr-counter', 'aria-hidden': 'true' });
  const button = (label, text, keys, extra = {}) => element('button', { type: 'button', class: 'pr-button', 'aria-label': label, 'aria-keyshortcuts': keys, ...extra }, text);
  const previousButton = button('Previous slide', '← Previous', 'ArrowLeft PageUp');
  const nextButton = button('Next slide', 'Next →', 'ArrowRight PageDown Space');
  const liveButton = button('Live numbers', 'Live numbers', 'N', { 'aria-pressed': 'false', class: 'pr-button pr-live' });
  const exitButton = button('Exit presentation', 'Exit', 'Escape', { class: 'pr-button pr-exit' });
  const liveNote = element('span', { class: 'pr-live-note', role: 'status' });
  const overlay = element('div', {
    class: 'presentation', role: 'dialog', 'aria-modal': 'true', 'aria-label': `Presenting ${title}`, tabindex: '-1',
    'aria-describedby': 'pr-keys',
  },
  stage,
  element('div', { class: 'pr-bar' },
    element('div', { class: 'pr-track', 'aria-hidden': 'true' }, fill),
    element('div', { class: 'pr-bar-row' },
      element('div', { class: 'pr-where' }, progress, counter),
      element('div', { class: 'pr-controls' }, liveNote, liveButton, previousButton, nextButton, exitButton))),
  element('p', { id: 'pr-keys', class: 'pr-hidden', text: 'Arrow keys, Space, Page Up and Page Down move between slides; Home and End go to the first and last; N turns live numbers on and off; Escape ends the presentation.' }));

  // Everything else on the page is out of reach while presenting.
  const inerted = [];
  for (const child of document.body.children) {
    if (!child.inert) { child.inert = true; inerted.push(child); }
  }
  const rootOverflow = document.documentElement.style.overflow;
  document.documentElement.style.overflow = 'hidden';
  document.body.append(overlay);
  overlay.focus({ preventScroll: true });

  if (overlay.requestFullscreen && !document.fullscreenElement) {
    try {
      overlay.requestFullscreen({ navigationUI: 'hide' }).then(() => { state.fullscreen = true; }, () => {});
    } catch { /* not allowed here: the overlay covers the window instead */ }
  }

  // --- Rendering

  function measuredLine(text, extra = '') {
    return element('p', { class: `pr-measure ${extra}`, 'data-measured': 'true' }, element('span', { class: 'pr-live-dot', 'aria-hidden': 'true' }), text);
  }

  function stageNumbers(stageDoc) {
    const numbers = state.numbers;
    if (!state.live) return null;
    if (numbers.status === 'loading') return element('p', { class: 'pr-measure pending', text: 'Live numbers: loading…' });
    if (numbers.status !== 'ready') return null;
    const parts = [];
    const step = numbers.stages.get(stageDoc.id);
    if (step) {
      parts.push(`${customers(step.customers)} reached this stage`);
      if (typeof step.from_previous === 'number') parts.push(`${percent(step.from_previous)} of the stage before`);
    }
    if (numbers.reachedGoal !== null && numbers.total) parts.push(`${percent(numbers.reachedGoal)} of all ${counts.format(numbers.total)} reached the goal, ${numbers.goalName}`);
    return parts.length ? measuredLine(parts.join(' · ')) : null;
  }

  function touchpointNumbers(t) {
    const numbers = state.numbers;
    if (!state.live || numbers.status !== 'ready') return null;
    const row = numbers.rows.get(t.id);
    if (!row) return null;
    if (t.id === numbers.goalTouchpoint) return measuredLine(`${customers(row.visitors)} reached the goal here`, 'pr-measure-card');
    const share = typeof row.conversion === 'number' ? ` · ${percent(row.conversion)} went on to the goal` : '';
    return measuredLine(`${customers(row.visitors)}${share}`, 'pr-measure-card');
  }

  function titleSlide() {
    const stages = list(doc.stages).length, touchpoints = list(doc.touchpoints).length;
    const personaCount = slides.filter((s) => s.kind === 'persona').length;
    const stateName = doc.state === 'future' ? 'Future state' : 'Current state';
    const facts = [`${stages} stage${stages === 1 ? '' : 's'}`, `${touchpoints} touchpoint${touchpoints === 1 ? '' : 's'}`];
    if (personaCount) facts.push(`${personaCount} persona${personaCount === 1 ? '' : 's'}`);
    return element('section', { class: 'pr-slide pr-title-slide' },
      element('p', { class: 'pr-eyebrow' }, element('span', { class: `pr-state ${doc.state === 'future' ? 'future' : 'current'}`, text: stateName }), ' Customer journey map'),
      element('h2', { class: 'pr-heading', text: title }),
      doc.objective ? element('div', { class: 'pr-objective' }, element('h3', { text: 'Objective' }), element('p', { text: doc.objective })) : null,
      doc.description ? element('p', { class: 'pr-description', text: doc.description }) : null,
      compare ? element('p', { class: 'pr-improves', text: `Improves today's journey: ${compare.title ?? doc.improves}. Each stage shows the future and, below it, today.` }) : null,
      element('p', { class: 'pr-facts', text: facts.join(' · ') }),
      element('p', { class: 'pr-hint', text: 'Next: → or Space · Back: ← · Live numbers: N · End: Esc' }));
  }

  function personaSlide(persona) {
    const photo = usablePhoto(persona.photo);
    const avatar = photo
      ? element('img', { class: 'pr-avatar', src: photo, alt: '' })
      : element('div', { class: 'pr-avatar', 'aria-hidden': 'true', text: initials(persona.name ?? persona.id) });
    if (photo) avatar.addEventListener('error', () => avatar.replaceWith(element('div', { class: 'pr-avatar', 'aria-hidden': 'true', text: initials(persona.name ?? persona.id) })), { once: true });
    const demographics = Object.entries(persona.demographics ?? {}).filter(([, v]) => v !== null && v !== undefined && v !== '');
    const column = (heading, items, className) => items.length
      ? element('div', { class: `pr-persona-list ${className}` }, element('h3', { text: heading }), element('ul', {}, items.map((g) => element('li', { text: itemText(g) }))))
      : null;
    return element('section', { class: 'pr-slide pr-persona-slide' },
      element('div', { class: 'pr-persona-head' },
        avatar,
        element('div', {},
          element('p', { class: 'pr-eyebrow', text: 'Persona' }),
          element('h2', { class: 'pr-heading', text: persona.name ?? persona.id }),
          demographics.length ? element('p', { class: 'pr-demographics', text: demographics.map(([k, v]) => `${capitalised(k.replace(/_/g, ' '))}: ${v}`).join(' · ') }) : null)),
      persona.quote ? element('blockquote', { class: 'pr-quote', text: `“${persona.quote}”` }) : null,
      persona.background ? element('p', { class: 'pr-background', text: persona.background }) : null,
      element('div', { class: 'pr-persona-columns' },
        column('Goals', list(persona.goals), 'goals'),
        column('Challenges', list(persona.challenges), 'challenges')));
  }

  function stageSlide(stageDoc, index) {
    const mine = list(doc.touchpoints).filter((t) => t.stage === stageDoc.id);
    const caps = capsFor(mine.length, Boolean(compare));
    const cards = mine.length
      ? element('div', { class: 'pr-cards', style: `--columns: ${Math.min(mine.length, 5)}` }, mine.map((t) => touchpointCard(doc, t, caps, touchpointNumbers(t))))
      : element('p', { class: 'pr-empty', text: 'No touchpoints in this stage yet.' });
    let today = null;
    if (compare) {
      const theirStage = list(compare.stages).find((s) => s.id === stageDoc.id);
      const theirs = list(compare.touchpoints).filter((t) => t.stage === stageDoc.id);
      today = element('section', { class: 'pr-today', 'aria-labelledby': `pr-today-${index}` },
        element('h3', { id: `pr-today-${index}`, class: 'pr-today-heading' },
          element('span', { class: 'pr-state current', text: 'Today' }),
          ` Current state: ${theirStage?.name ?? stageDoc.name ?? stageDoc.id}`,
          element('span', { class: 'pr-today-source', text: ` (${compare.title ?? doc.improves ?? 'current-state map'})` })),
        !theirStage
          ? element('p', { class: 'pr-empty', text: 'The current-state map has no such stage: this stage is new.' })
          : theirs.length
            ? element('div', { class: 'pr-today-cards', style: `--columns: ${Math.min(theirs.length, 6)}` }, theirs.map(todayCard))
            : element('p', { class: 'pr-empty', text: 'No touchpoints in this stage today.' }));
    }
    const isGoal = doc.goal === stageDoc.id;
    return element('section', { class: `pr-slide pr-stage-slide${compare ? ' compare' : ''}`, 'data-stage': stageDoc.id },
      element('header', { class: 'pr-stage-head' },
        element('p', { class: 'pr-eyebrow' },
          compare ? element('span', { class: 'pr-state future', text: 'Future' }) : null,
          ` Stage ${index + 1} of ${list(doc.stages).length}`,
          isGoal ? element('span', { class: 'pr-goal', text: 'Goal' }) : null),
        element('h2', { class: 'pr-heading', text: stageDoc.name ?? stageDoc.id }),
        stageDoc.description ? element('p', { class: 'pr-stage-description', text: stageDoc.description }) : null,
        stageNumbers(stageDoc)),
      curveBlock({ upto: index, current: index }),
      cards,
      today);
  }

  function curveBlock(options) {
    const frame = element('div', { class: 'pr-curve-frame' });
    frame.curveOptions = { doc, other: compare, ...options };
    const legend = compare ? element('p', { class: 'pr-legend', 'aria-hidden': 'true' },
      element('span', { class: 'pr-key future' }), 'Future ',
      element('span', { class: 'pr-key today' }), 'Today') : null;
    return element('div', { class: 'pr-curve-block' }, element('h3', { class: 'pr-hidden', text: 'Emotion curve' }), legend, frame);
  }

  function closingSlide() {
    const pains = [];
    list(doc.touchpoints).forEach((t, order) => list(t.pain_points).forEach((p, j) => pains.push({ ...p, t, order: order * 100 + j })));
    pains.sort((a, b) => bySeverity(a, b) || a.order - b.order);
    const stageName = new Map(list(doc.stages).map((s) => [s.id, s.name ?? s.id]));
    const top = pains.slice(0, TOP_PAIN_POINTS);
    const withEmotion = list(doc.touchpoints).filter((t) => typeof t.emotion === 'number');
    const low = withEmotion.reduce((a, b) => (b.emotion < a.emotion ? b : a), withEmotion[0]);
    const high = withEmotion.reduce((a, b) => (b.emotion > a.emotion ? b : a), withEmotion[0]);
    const numbers = state.live && state.numbers.status === 'ready' && state.numbers.reachedGoal !== null
      ? measuredLine(`${percent(state.numbers.reachedGoal)} of ${customers(state.numbers.total)} reached the goal, ${state.numbers.goalName} (${counts.format(state.numbers.converted)})`)
      : null;
    return element('section', { class: 'pr-slide pr-closing-slide' },
      element('header', { class: 'pr-stage-head' },
        element('p', { class: 'pr-eyebrow', text: 'Summary' }),
        element('h2', { class: 'pr-heading', text: 'The whole journey' }),
        low ? element('p', { class: 'pr-stage-description', text: `Lowest: ${low.name ?? low.id} (${emotionText(low.emotion)}) · Highest: ${high.name ?? high.id} (${emotionText(high.emotion)})` }) : null,
        numbers),
      curveBlock({ upto: null, current: null }),
      element('div', { class: 'pr-top-pains' },
        element('h3', { text: top.length ? `Top ${top.length} pain point${top.length === 1 ? '' : 's'} by severity` : 'No pain points on the map' }),
        top.length ? element('ol', {}, top.map((p) => element('li', {},
          severityChip(p.severity), ' ',
          element('span', { class: 'pr-pain-text', text: itemText(p) }),
          element('span', { class: 'pr-pain-where', text: ` — ${p.t.name ?? p.t.id}, ${stageName.get(p.t.stage) ?? p.t.stage}` })))) : null));
  }

  function render() {
    const slide = slides[state.index];
    const node = slide.kind === 'title' ? titleSlide()
      : slide.kind === 'persona' ? personaSlide(slide.persona)
        : slide.kind === 'stage' ? stageSlide(slide.stage, slide.index)
          : closingSlide();
    node.setAttribute('aria-roledescription', 'slide');
    node.setAttribute('aria-label', slide.label);
    node.dataset.slide = String(state.index);
    stage.replaceChildren(node);
    fit(node);
    if (progress.textContent !== slide.label) progress.textContent = slide.label; // announced once per slide
    counter.textContent = `${state.index + 1} / ${slides.length}`;
    fill.style.width = `${((state.index + 1) / slides.length) * 100}%`;
    previousButton.setAttribute('aria-disabled', String(state.index === 0));
    nextButton.setAttribute('aria-disabled', String(state.index === slides.length - 1));
    overlay.dataset.slideKind = slide.kind;
  }

  /** Shrinks the slide's type until it fits the screen (then it scrolls, rather than cutting text off). */
  function fit(node) {
    const curves = [...node.querySelectorAll('.pr-curve-frame')];
    let factor = 1;
    const apply = () => {
      node.style.setProperty('--fit', String(factor));
      for (const frame of curves) drawCurve(frame, frame.curveOptions);
    };
    const overflows = () => node.scrollHeight > node.clientHeight + 1 || node.scrollWidth > node.clientWidth + 1
      || [...node.querySelectorAll('.pr-card, .pr-today-card')].some((c) => c.scrollHeight > c.clientHeight + 1);
    apply();
    while (overflows() && factor > FIT_FLOOR) {
      factor = Math.round((factor - 0.05) * 100) / 100;
      apply();
    }
    node.classList.toggle('pr-scrolls', overflows());
  }

  function go(index) {
    const next = Math.max(0, Math.min(slides.length - 1, index));
    if (next === state.index) return;
    state.index = next;
    render();
  }

  function updateLiveControls() {
    const numbers = state.numbers;
    const unavailable = numbers.status === 'unavailable';
    liveButton.setAttribute('aria-pressed', String(state.live && !unavailable));
    liveButton.setAttribute('aria-disabled', String(unavailable));
    liveButton.title = unavailable ? numbers.reason : state.live ? 'Hide the live numbers (N)' : 'Show the live numbers (N)';
    liveNote.textContent = unavailable ? 'No live numbers' : state.live && numbers.status === 'loading' ? 'Loading numbers…' : '';
  }

  function toggleLive() {
    if (state.numbers.status === 'unavailable') {
      liveNote.textContent = '';
      liveNote.textContent = state.numbers.reason;
      return;
    }
    state.live = !state.live;
    updateLiveControls();
    liveNote.textContent = state.live ? (state.numbers.status === 'loading' ? 'Loading numbers…' : 'Live numbers on') : 'Live numbers off';
    render();
  }

  // --- Input

  function focusables() {
    return [...overlay.querySelectorAll('button, [href], [tabindex]:not([tabindex="-1"])')].filter((n) => !n.disabled && n.offsetParent !== null);
  }

  function onKey(event) {
    if (state.stopped) return;
    // The editor's own shortcuts (N adds a touchpoint, Delete removes…) must not act behind the slides.
    event.stopPropagation();
    if (event.key === 'Tab') {
      const nodes = focusables();
      if (!nodes.length) { event.preventDefault(); return; }
      const first = nodes[0], last = nodes[nodes.length - 1];
      const at = document.activeElement;
      if (event.shiftKey && (at === first || at === overlay || !overlay.contains(at))) { event.preventDefault(); last.focus(); }
      else if (!event.shiftKey && (at === last || !overlay.contains(at))) { event.preventDefault(); first.focus(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const onButton = event.target instanceof Element && event.target.closest('button') && overlay.contains(event.target);
    if (onButton && (event.key === 'Enter' || event.key === ' ')) return; // the button's own action
    const actions = {
      ArrowRight: () => go(state.index + 1), ArrowDown: () => go(state.index + 1), PageDown: () => go(state.index + 1), ' ': () => go(state.index + 1),
      ArrowLeft: () => go(state.index - 1), ArrowUp: () => go(state.index - 1), PageUp: () => go(state.index - 1),
      Home: () => go(0), End: () => go(slides.length - 1),
      Escape: stop, n: toggleLive, N: toggleLive,
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  const activate = (node, action) => node.addEventListener('click', () => { if (node.getAttribute('aria-disabled') !== 'true') action(); });
  activate(previousButton, () => go(state.index - 1));
  activate(nextButton, () => go(state.index + 1));
  liveButton.addEventListener('click', toggleLive);
  exitButton.addEventListener('click', () => stop());

  // Focus that leaves the dialog (a click on nothing focusable) comes back to it.
  const onFocusIn = (event) => { if (!state.stopped && !overlay.contains(event.target)) overlay.focus({ preventScroll: true }); };
  let resizeFrame = 0;
  const onResize = () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => { if (!state.stopped) render(); });
  };
  // Leaving full screen (the browser's own Escape) ends the presentation too.
  const onFullscreen = () => {
    if (document.fullscreenElement === overlay) state.fullscreen = true;
    else if (state.fullscreen && !state.stopped) stop();
  };
  window.addEventListener('keydown', onKey, true);
  document.addEventListener('focusin', onFocusIn);
  window.addEventListener('resize', onResize);
  document.addEventListener('fullscreenchange', onFullscreen);

  function stop() {
    if (state.stopped) return;
    state.stopped = true;
    if (running === stop) running = null;
    window.removeEventListener('keydown', onKey, true);
    document.removeEventListener('focusin', onFocusIn);
    window.removeEventListener('resize', onResize);
    document.removeEventListener('fullscreenchange', onFullscreen);
    cancelAnimationFrame(resizeFrame);
    if (document.fullscreenElement === overlay && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    overlay.remove();
    for (const child of inerted) child.inert = false;
    document.documentElement.style.overflow = rootOverflow;
    if (previousFocus && previousFocus.isConnected && typeof previousFocus.focus === 'function') previousFocus.focus({ preventScroll: true });
    if (typeof onExit === 'function') onExit();
  }

  render();
  updateLiveControls();
  loadNumbers({ doc, workspace, map, csrf })
    .catch((error) => ({ status: 'unavailable', reason: `The live numbers could not be loaded: ${error.message}.` }))
    .then((numbers) => {
      if (state.stopped) return;
      const wasLive = state.live;
      state.numbers = numbers;
      if (numbers.status !== 'ready') state.live = false;
      updateLiveControls();
      if (wasLive) {
        liveNote.textContent = numbers.status === 'ready' ? 'Live numbers on' : numbers.reason;
        render();
      }
    });
  return stop;
}
