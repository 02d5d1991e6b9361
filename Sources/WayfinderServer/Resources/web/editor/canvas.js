/**
 * The map at 1:1 in the rendered map's visual language: stage columns, one column per
 * touchpoint, a row per lane, the emotion curve. Pan and zoom (wheel, pinch, keyboard, fit to
 * screen) move the board; cards are dragged to another stage or place, emotion points up and
 * down. It draws a document and reports what the person does as operations; it never changes
 * the document itself.
 */

export const CARD_WIDTH = 220;
export const GAP = 10;
export const LABEL_WIDTH = 150;
const EMOTION_HEIGHT = 130;
const ZOOM_MIN = 0.1;
const ZOOM_MAX = 3;

/** The lanes drawn under the cards, in order: key, label, and what a cell shows. */
const LANES = [
  { key: 'actions', label: 'Doing', items: (t) => t.actions },
  { key: 'thoughts', label: 'Thinking and asking', items: (t) => [...(t.thoughts ?? []), ...(t.questions ?? []).map((q) => itemWith(q, '? '))] },
  { key: 'emotion', label: 'Feeling' },
  { key: 'pain_points', label: 'Pain points', items: (t) => t.pain_points, tone: (i) => `pain ${i.severity ?? ''}` },
  { key: 'opportunities', label: 'Opportunities', items: (t) => t.opportunities, tone: () => 'opportunity' },
  { key: 'owner', label: 'Owner and KPIs', items: (t) => [...(t.owner ? [t.owner] : []), ...(t.kpis ?? []).map(kpiText)] },
];

function itemWith(item, prefix) {
  return typeof item === 'string' ? prefix + item : { ...item, text: prefix + (item.text ?? '') };
}

function kpiText(kpi) {
  const target = kpi.target === undefined ? '' : ` → ${kpi.target}${kpi.unit === 'percent' ? '%' : kpi.unit && kpi.unit !== 'ratio' ? ' ' + kpi.unit : ''}`;
  return `${kpi.name ?? 'KPI'}${target}`;
}

/** Columns of the board: each touchpoint in stage order, and one empty column per empty stage. */
export function layout(doc) {
  const columns = [];
  const stages = [];
  for (const stage of doc.stages ?? []) {
    const first = columns.length;
    const mine = (doc.touchpoints ?? []).filter((t) => t.stage === stage.id);
    if (mine.length === 0) columns.push({ stage: stage.id, touchpoint: null });
    for (const touchpoint of mine) columns.push({ stage: stage.id, touchpoint });
    stages.push({ stage, first, count: columns.length - first });
  }
  const width = LABEL_WIDTH + columns.length * (CARD_WIDTH + GAP);
  return { columns, stages, width };
}

/** The x of the centre of column `index` on the emotion curve (which starts at the first column). */
export function columnCentre(index) {
  return index * (CARD_WIDTH + GAP) + CARD_WIDTH / 2;
}

/** Where a card dropped at board x `x` goes: `{stage, position}` (position among that stage's other cards), or null. */
export function dropTarget(doc, id, x) {
  const { columns } = layout(doc);
  if (columns.length === 0) return null;
  const relative = x - LABEL_WIDTH - GAP;
  const index = Math.max(0, Math.min(columns.length - 1, Math.floor(relative / (CARD_WIDTH + GAP))));
  const column = columns[index];
  const others = (doc.touchpoints ?? []).filter((t) => t.stage === column.stage && t.id !== id);
  if (!column.touchpoint) return { stage: column.stage, position: 0 };
  if (column.touchpoint.id === id) return null;
  const rightHalf = relative - index * (CARD_WIDTH + GAP) > CARD_WIDTH / 2;
  const at = others.findIndex((t) => t.id === column.touchpoint.id);
  return { stage: column.stage, position: at + (rightHalf ? 1 : 0) };
}

/** The emotion value for a point dragged to `y` of `height`, snapped to the scale's steps. */
export function emotionAt(y, height, scale) {
  const min = scale?.min ?? -2, max = scale?.max ?? 2;
  const step = max - min > 4 ? 1 : max - min >= 2 ? 1 : 0.5;
  const raw = max - (Math.max(0, Math.min(height, y)) / height) * (max - min);
  return Math.max(min, Math.min(max, Math.round((raw - min) / step) * step + min));
}

function element(tag, attributes = {}, ...children) {
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

function svg(tag, attributes = {}) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function itemText(item) { return typeof item === 'string' ? item : item?.text ?? ''; }
function itemEvidence(item) { return typeof item === 'string' ? null : item?.evidence ?? null; }

function evidenceBadge(evidence) {
  if (!evidence) return null;
  return element('span', { class: `evidence ${evidence}`, title: `Evidence: ${evidence}`, text: evidence[0].toUpperCase() });
}

/** Creates the canvas in `viewport` (the clipping frame) around `board`. */
export function createCanvas({ viewport, board, zoomOutput, canEdit, onSelect, onOp, onOpenLane }) {
  const view = { x: 16, y: 16, zoom: 1 };
  let doc = null;
  let selection = { kind: 'map' };

  function applyView() {
    board.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.zoom})`;
    if (zoomOutput) zoomOutput.value = `${Math.round(view.zoom * 100)}%`;
  }

  /** Zooms by `factor` keeping the board point under (`cx`, `cy`) of the viewport in place. */
  function zoomBy(factor, cx = viewport.clientWidth / 2, cy = viewport.clientHeight / 2) {
    const zoom = Math.max(ZOOM_MIN, Math.min(ZOOM_MAX, view.zoom * factor));
    view.x = cx - ((cx - view.x) * zoom) / view.zoom;
    view.y = cy - ((cy - view.y) * zoom) / view.zoom;
    view.zoom = zoom;
    applyView();
  }

  function fit() {
    const width = board.scrollWidth, height = board.scrollHeight;
    if (!width || !height) return;
    view.zoom = Math.max(ZOOM_MIN, Math.min(1, (viewport.clientWidth - 32) / width, (viewport.clientHeight - 32) / height));
    view.x = 16;
    view.y = 16;
    applyView();
  }

  function reset() {
    view.zoom = 1;
    view.x = 16;
    view.y = 16;
    applyView();
  }

  function panBy(dx, dy) {
    view.x += dx;
    view.y += dy;
    applyView();
  }

  /** Board coordinates of a pointer event. */
  function boardPoint(event) {
    const rect = board.getBoundingClientRect();
    return { x: (event.clientX - rect.left) / view.zoom, y: (event.clientY - rect.top) / view.zoom };
  }

  // Focusing a card off screen (Tab, scrollIntoView) scrolls the clipping frame: turn that into a pan.
  viewport.addEventListener('scroll', () => {
    const { scrollLeft, scrollTop } = viewport;
    if (!scrollLeft && !scrollTop) return;
    viewport.scrollLeft = 0;
    viewport.scrollTop = 0;
    panBy(-scrollLeft, -scrollTop);
  });

  // Wheel: pan; with Control (and a trackpad pinch, which Chromium reports so) zoom.
  viewport.addEventListener('wheel', (event) => {
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    if (event.ctrlKey || event.metaKey) zoomBy(Math.exp(-event.deltaY * 0.01), event.clientX - rect.left, event.clientY - rect.top);
    else panBy(-event.deltaX, -event.deltaY);
  }, { passive: false });

  // Pointers on the background pan; two touching pointers pinch.
  const pointers = new Map();
  let pinch = null;
  viewport.addEventListener('pointerdown', (event) => {
    if (event.target.closest('.card[draggable-card], .emotion-point, button, input, textarea, select, a')) return;
    // The pointer is captured once it moves (a pan), not on press: a click on a stage header, a
    // cell or a viewer's card then stays a click on it, which selects it.
    pointers.set(event.pointerId, { x: event.clientX, y: event.clientY, startX: event.clientX, startY: event.clientY, captured: false });
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { distance: Math.hypot(a.x - b.x, a.y - b.y) };
    }
  });
  viewport.addEventListener('pointermove', (event) => {
    const last = pointers.get(event.pointerId);
    if (!last) return;
    if (!last.captured) {
      if (Math.hypot(event.clientX - last.startX, event.clientY - last.startY) < 4) return;
      viewport.setPointerCapture(event.pointerId);
      last.captured = true;
    }
    if (pointers.size === 1) panBy(event.clientX - last.x, event.clientY - last.y);
    pointers.set(event.pointerId, { ...last, x: event.clientX, y: event.clientY });
    if (pointers.size === 2 && pinch) {
      const [a, b] = [...pointers.values()];
      const distance = Math.hypot(a.x - b.x, a.y - b.y);
      const rect = viewport.getBoundingClientRect();
      zoomBy(distance / pinch.distance, (a.x + b.x) / 2 - rect.left, (a.y + b.y) / 2 - rect.top);
      pinch.distance = distance;
    }
  });
  const release = (event) => {
    pointers.delete(event.pointerId);
    if (pointers.size < 2) pinch = null;
  };
  viewport.addEventListener('pointerup', release);
  viewport.addEventListener('pointercancel', release);

  viewport.addEventListener('keydown', (event) => {
    if (event.target !== viewport) return;
    const step = event.shiftKey ? 200 : 40;
    const keys = {
      ArrowLeft: () => panBy(step, 0), ArrowRight: () => panBy(-step, 0), ArrowUp: () => panBy(0, step), ArrowDown: () => panBy(0, -step),
      '+': () => zoomBy(1.2), '=': () => zoomBy(1.2), '-': () => zoomBy(1 / 1.2), '0': fit, '1': reset,
    };
    if (keys[event.key] && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      keys[event.key]();
    }
  });

  board.addEventListener('click', (event) => {
    const target = event.target.closest('[data-touchpoint], [data-stage-header]');
    if (!target) { select({ kind: 'map' }); return; }
    if (target.dataset.stageHeader) select({ kind: 'stage', id: target.dataset.stageHeader });
    else {
      select({ kind: 'touchpoint', id: target.dataset.touchpoint });
      if (target.dataset.lane && onOpenLane) onOpenLane(target.dataset.lane);
    }
  });
  board.addEventListener('keydown', (event) => {
    const target = event.target.closest('[data-touchpoint].card, [data-stage-header]');
    if (!target || (event.key !== 'Enter' && event.key !== ' ')) return;
    event.preventDefault();
    target.click();
  });

  function select(next) {
    selection = next;
    markSelection();
    onSelect(next);
  }

  function markSelection() {
    for (const node of board.querySelectorAll('[aria-selected="true"]')) node.setAttribute('aria-selected', 'false');
    const query = selection.kind === 'touchpoint' ? `.card[data-touchpoint="${CSS.escape(selection.id)}"]`
      : selection.kind === 'stage' ? `[data-stage-header="${CSS.escape(selection.id)}"]` : null;
    if (query) board.querySelector(query)?.setAttribute('aria-selected', 'true');
  }

  // Dragging a card: a ghost follows the pointer, a bar shows where it lands.
  let drag = null;
  board.addEventListener('pointerdown', (event) => {
    const card = event.target.closest('.card[draggable-card]');
    if (!card || !canEdit || event.button !== 0) return;
    drag = { id: card.dataset.touchpoint, card, start: { x: event.clientX, y: event.clientY }, moving: false };
    card.setPointerCapture(event.pointerId);
  });
  board.addEventListener('pointermove', (event) => {
    if (!drag) return;
    if (!drag.moving) {
      if (Math.hypot(event.clientX - drag.start.x, event.clientY - drag.start.y) < 5) return;
      drag.moving = true;
      drag.ghost = drag.card.cloneNode(true);
      drag.ghost.classList.add('ghost');
      drag.ghost.removeAttribute('data-touchpoint');
      board.append(drag.ghost);
      drag.marker = element('div', { class: 'drop-marker', 'aria-hidden': 'true' });
      board.append(drag.marker);
      drag.card.classList.add('dragging');
    }
    const point = boardPoint(event);
    drag.ghost.style.transform = `translate(${point.x - CARD_WIDTH / 2}px, ${point.y - 20}px)`;
    const target = dropTarget(doc, drag.id, point.x);
    drag.target = target;
    drag.marker.hidden = !target;
    if (target) drag.marker.style.transform = `translateX(${markerX(target)}px)`;
  });
  const endDrag = () => {
    if (!drag) return;
    const { moving, target, id } = drag;
    drag.ghost?.remove();
    drag.marker?.remove();
    drag.card.classList.remove('dragging');
    drag = null;
    if (moving && target) onOp({ type: 'moveTouchpoint', id, stage: target.stage, position: target.position });
  };
  board.addEventListener('pointerup', endDrag);
  board.addEventListener('pointercancel', endDrag);

  function markerX(target) {
    const { columns } = layout(doc);
    const inStage = columns.map((c, i) => ({ ...c, i })).filter((c) => c.stage === target.stage && c.touchpoint?.id !== drag?.id);
    const at = inStage[Math.min(target.position, inStage.length - 1)];
    if (!at) return LABEL_WIDTH;
    const x = LABEL_WIDTH + GAP + at.i * (CARD_WIDTH + GAP);
    return target.position >= inStage.length ? x + CARD_WIDTH + GAP / 2 : x - GAP / 2;
  }

  /** What a shown diff marks: `{touchpoint: {id: action}, stage: {id: action}}`. */
  let marks = null;
  /** Open comment threads by element (`stage:ID`, `touchpoint:ID`), and what opens them. */
  let commentCounts = {};
  let openComments = null;

  function render(next, nextSelection = selection, nextMarks = null) {
    doc = next;
    selection = nextSelection;
    marks = nextMarks;
    const { columns, stages, width } = layout(doc);
    const grid = element('div', { class: 'grid', role: 'grid', 'aria-label': doc.title ?? 'Journey map', 'aria-colcount': columns.length + 1 });
    grid.style.gridTemplateColumns = `${LABEL_WIDTH}px repeat(${Math.max(1, columns.length)}, ${CARD_WIDTH}px)`;
    grid.style.width = `${width}px`;

    let row = 1;
    const label = (text, extra = {}) => {
      const cell = element('div', { class: 'lane-label', role: 'rowheader', text, ...extra });
      cell.style.gridRow = String(row);
      cell.style.gridColumn = '1';
      grid.append(cell);
    };
    const place = (cell, column, span = 1) => {
      cell.style.gridRow = String(row);
      cell.style.gridColumn = `${column + 2} / span ${span}`;
      grid.append(cell);
    };

    label('Stage');
    for (const { stage, first, count } of stages) {
      const header = element('div', {
        class: 'stage-header', 'data-stage-header': stage.id, 'data-stage': stage.id, role: 'columnheader', tabindex: 0,
        'aria-selected': 'false', 'aria-label': `Stage ${stage.name ?? stage.id}`,
      }, element('span', { class: 'stage-name', text: stage.name ?? stage.id }),
      doc.goal === stage.id ? element('span', { class: 'goal', text: 'goal' }) : null);
      place(header, first, count);
    }
    row += 1;

    label('Touchpoint');
    columns.forEach((column, index) => {
      const t = column.touchpoint;
      if (!t) {
        place(element('div', { class: 'card empty', 'data-stage': column.stage, text: 'No touchpoint yet' }), index);
        return;
      }
      const card = element('div', {
        class: `card ${t.evidence ?? ''}`, 'data-touchpoint': t.id, 'data-stage': t.stage, 'data-lane': 'touchpoint',
        role: 'gridcell', tabindex: 0, 'aria-selected': 'false', 'aria-label': `Touchpoint ${t.name ?? t.id}`,
        'draggable-card': canEdit ? true : null,
      },
      element('span', { class: 'channel', text: t.channel ?? '' }),
      element('strong', { class: 'name', text: t.name ?? t.id }),
      evidenceBadge(t.evidence),
      doc.goal === t.id ? element('span', { class: 'goal', text: 'goal' }) : null);
      place(card, index);
    });
    row += 1;

    for (const lane of LANES) {
      label(lane.label);
      if (lane.key === 'emotion') {
        place(emotionCurve(columns), 0, Math.max(1, columns.length));
        row += 1;
        continue;
      }
      columns.forEach((column, index) => {
        const t = column.touchpoint;
        const cell = element('div', { class: `cell lane-${lane.key}`, role: 'gridcell', 'data-lane': lane.key });
        if (t) {
          cell.dataset.touchpoint = t.id;
          cell.dataset.stage = t.stage;
          const list = element('ul');
          for (const item of lane.items(t) ?? []) {
            list.append(element('li', { class: lane.tone ? lane.tone(item) : '' }, document.createTextNode(itemText(item)), evidenceBadge(itemEvidence(item))));
          }
          cell.append(list);
        }
        place(cell, index);
      });
      row += 1;
    }

    for (const lane of doc.lanes ?? []) {
      label(lane.name ?? lane.id, { 'data-free-lane': lane.id });
      columns.forEach((column, index) => {
        const t = column.touchpoint;
        const cell = element('div', { class: 'cell lane-free', role: 'gridcell', 'data-lane': `lane:${lane.id}` });
        if (t) {
          cell.dataset.touchpoint = t.id;
          const card = lane.cards?.[t.id];
          if (card) cell.append(element('p', {}, document.createTextNode(itemText(card)), evidenceBadge(itemEvidence(card))));
        }
        place(cell, index);
      });
      row += 1;
    }

    board.replaceChildren(grid);
    schedulePrintFit();
    markSelection();
    markPeers();
    markDiff();
    markComments();
    markData();
    markProblems();
    applyView();
  }

  function emotionCurve(columns) {
    const scale = doc.emotion_scale ?? { min: -2, max: 2 };
    const width = Math.max(1, columns.length) * (CARD_WIDTH + GAP) - GAP;
    const height = EMOTION_HEIGHT;
    const yOf = (value) => ((scale.max - value) / (scale.max - scale.min || 1)) * height;
    const frame = element('div', { class: 'emotion', role: 'group', 'aria-label': 'Emotion curve' });
    const drawing = svg('svg', { width, height: height + 16, viewBox: `0 -8 ${width} ${height + 16}`, 'aria-hidden': 'false' });
    drawing.append(svg('line', { x1: 0, x2: width, y1: yOf((scale.min + scale.max) / 2), y2: yOf((scale.min + scale.max) / 2), class: 'neutral' }));
    const points = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.touchpoint && typeof c.touchpoint.emotion === 'number');
    const path = svg('polyline', { class: 'curve', points: points.map(({ c, i }) => `${columnCentre(i)},${yOf(c.touchpoint.emotion)}`).join(' ') });
    drawing.append(path);
    columns.forEach((column, index) => {
      const t = column.touchpoint;
      if (!t) return;
      const has = typeof t.emotion === 'number';
      const value = has ? t.emotion : (scale.min + scale.max) / 2;
      const dot = svg('circle', {
        class: `emotion-point${has ? '' : ' unset'}`, cx: columnCentre(index), cy: yOf(value), r: 8,
        tabindex: canEdit ? 0 : -1, role: 'slider', 'aria-label': `Emotion at ${t.name ?? t.id}`,
        'aria-valuemin': scale.min, 'aria-valuemax': scale.max, 'aria-valuenow': has ? value : '', 'aria-valuetext': has ? String(value) : 'not set',
        'data-touchpoint': t.id, 'data-lane': 'emotion',
      });
      if (canEdit) attachEmotionDrag(dot, t, index, scale, height, yOf, path, points);
      drawing.append(dot);
    });
    frame.append(drawing);
    return frame;
  }

  function attachEmotionDrag(dot, touchpoint, index, scale, height, yOf, path, points) {
    let dragging = false;
    let value = touchpoint.emotion;
    const redraw = () => {
      dot.setAttribute('cy', yOf(value));
      path.setAttribute('points', points.map(({ c, i }) => `${columnCentre(i)},${yOf(i === index ? value : c.touchpoint.emotion)}`).join(' '));
    };
    dot.addEventListener('pointerdown', (event) => {
      event.stopPropagation();
      dragging = true;
      dot.setPointerCapture(event.pointerId);
      dot.classList.add('dragging');
    });
    dot.addEventListener('pointermove', (event) => {
      if (!dragging) return;
      const top = dot.ownerSVGElement.getBoundingClientRect().top;
      value = emotionAt((event.clientY - top) / view.zoom - 8, height, scale);
      redraw();
    });
    const finish = () => {
      if (!dragging) return;
      dragging = false;
      dot.classList.remove('dragging');
      if (value !== touchpoint.emotion && typeof value === 'number') {
        onOp({ type: 'setField', target: { kind: 'touchpoint', id: touchpoint.id }, field: 'emotion', value });
      }
    };
    dot.addEventListener('pointerup', finish);
    dot.addEventListener('pointercancel', finish);
    dot.addEventListener('click', (event) => event.stopPropagation());
    dot.addEventListener('keydown', (event) => {
      const step = scale.max - scale.min >= 2 ? 1 : 0.5;
      const current = typeof touchpoint.emotion === 'number' ? touchpoint.emotion : (scale.min + scale.max) / 2;
      const next = { ArrowUp: current + step, ArrowRight: current + step, ArrowDown: current - step, ArrowLeft: current - step }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      event.stopPropagation();
      const clamped = Math.max(scale.min, Math.min(scale.max, next));
      if (clamped !== touchpoint.emotion) onOp({ type: 'setField', target: { kind: 'touchpoint', id: touchpoint.id }, field: 'emotion', value: clamped }, { focus: `.emotion-point[data-touchpoint="${CSS.escape(touchpoint.id)}"]` });
    });
  }

  function markDiff() {
    if (!marks) return;
    for (const [id, action] of Object.entries(marks.touchpoint ?? {})) {
      const card = board.querySelector(`.card[data-touchpoint="${CSS.escape(id)}"]`);
      if (card) { card.dataset.diff = action; card.setAttribute('aria-description', `${action} since this version`); }
    }
    for (const [id, action] of Object.entries(marks.stage ?? {})) {
      const header = board.querySelector(`[data-stage-header="${CSS.escape(id)}"]`);
      if (header) { header.dataset.diff = action; header.setAttribute('aria-description', `${action} since this version`); }
    }
  }

  /**
   * The zoom that puts the whole map on one A3 landscape page (400 × 277 mm inside the margins,
   * 1512 × 1047 CSS pixels, less the title), kept in `--print-zoom` for the print style sheet.
   */
  function fitForPrint() {
    const grid = board.firstElementChild;
    if (!grid) return;
    const width = grid.offsetWidth || 1, height = grid.offsetHeight || 1;
    const zoom = String(Math.min(1, 1500 / width, 990 / height));
    // Setting it restyles the whole board: only when it changes.
    if (board.style.getPropertyValue('--print-zoom') !== zoom) board.style.setProperty('--print-zoom', zoom);
  }
  /** Measures for print after the next frame, whose layout it then reads, instead of forcing one while drawing. */
  let printFit = 0;
  function schedulePrintFit() {
    if (printFit) return;
    printFit = requestAnimationFrame(() => setTimeout(() => { printFit = 0; fitForPrint(); }, 0));
  }
  window.matchMedia('print').addEventListener('change', (event) => { if (event.matches) fitForPrint(); });
  window.addEventListener('beforeprint', fitForPrint);

  /** Elements the validator found a problem in, outlined in red. */
  let problems = [];
  function showProblems(next) {
    problems = next ?? [];
    markProblems();
  }

  function markProblems() {
    for (const node of board.querySelectorAll('[data-problem]')) node.removeAttribute('data-problem');
    for (const element of problems) {
      const node = board.querySelector(element.kind === 'stage' ? `[data-stage-header="${CSS.escape(element.id)}"]` : `.card[data-touchpoint="${CSS.escape(element.id)}"]`);
      if (node) node.dataset.problem = 'true';
    }
  }

  /** Measured numbers laid on the map (``createData``), or null. */
  let measuredData = null;
  function showData(data) {
    measuredData = data;
    markData();
  }

  function markData() {
    for (const node of board.querySelectorAll('.measured, .measured-curve')) node.remove();
    if (!measuredData || !doc) return;
    for (const card of board.querySelectorAll('.card[data-touchpoint]')) {
      const data = measuredData.byTouchpoint[card.dataset.touchpoint];
      if (!data) continue;
      const friction = (data.friction ?? []).map((f) => f.rank).sort((a, b) => a - b)[0];
      card.append(element('span', { class: `measured${friction ? ' friction' : ''}`,
        text: `${(data.visitors ?? 0).toLocaleString()} · ${data.visitors ? Math.round((data.conversion ?? 0) * 100) : 0}% to goal${friction ? ` · friction #${friction}` : ''}` }));
    }
    // The measured emotion (a mean on −1…1) drawn on the map's scale beside the designed curve.
    const drawing = board.querySelector('.emotion svg');
    if (!drawing) return;
    const scale = doc.emotion_scale ?? { min: -2, max: 2 };
    const height = EMOTION_HEIGHT;
    const yOf = (value) => ((scale.max - value) / (scale.max - scale.min || 1)) * height;
    const points = [];
    for (const dot of drawing.querySelectorAll('.emotion-point')) {
      const mean = measuredData.byTouchpoint[dot.dataset.touchpoint]?.emotion;
      if (!mean?.count) continue;
      const onScale = (scale.min + scale.max) / 2 + (mean.mean * (scale.max - scale.min)) / 2;
      points.push(`${dot.getAttribute('cx')},${yOf(onScale)}`);
    }
    if (points.length) {
      const line = svg('polyline', { class: 'measured-curve', points: points.join(' ') });
      line.append(svg('title', {}));
      line.firstChild.textContent = 'Measured emotion (survey answers)';
      drawing.insertBefore(line, drawing.querySelector('.emotion-point'));
    }
  }

  /** A marker with the number of open threads on each commented card and stage; pressing it opens them. */
  function showComments(counts, open) {
    commentCounts = counts ?? {};
    openComments = open;
    markComments();
  }

  function markComments() {
    for (const marker of board.querySelectorAll('.comment-marker')) marker.remove();
    for (const [key, count] of Object.entries(commentCounts)) {
      const [kind, id] = key.split(':');
      if (!id) continue;
      const node = board.querySelector(kind === 'stage' ? `[data-stage-header="${CSS.escape(id)}"]` : `.card[data-touchpoint="${CSS.escape(id)}"]`);
      if (!node) continue;
      const name = kind === 'stage' ? doc.stages?.find((s) => s.id === id)?.name : doc.touchpoints?.find((t) => t.id === id)?.name;
      const marker = element('button', { type: 'button', class: 'comment-marker', text: String(count),
        'aria-label': `${count} open comment${count > 1 ? 's' : ''} on ${name ?? id}` });
      marker.addEventListener('click', (event) => { event.stopPropagation(); openComments?.({ kind, id }); });
      marker.addEventListener('pointerdown', (event) => event.stopPropagation());
      node.append(marker);
    }
  }

  /** Outlines what the other people here have selected, in their colour, with their name. */
  let peers = [];
  function showPeers(next) {
    peers = next;
    markPeers();
  }

  function markPeers() {
    for (const node of board.querySelectorAll('[data-peer]')) {
      node.removeAttribute('data-peer');
      node.style.removeProperty('--peer');
      node.querySelector(':scope > .peer-tag')?.remove();
    }
    for (const peer of peers) {
      const selection = peer.selection;
      if (!selection || selection.kind === 'map') continue;
      const query = selection.kind === 'touchpoint' ? `.card[data-touchpoint="${CSS.escape(selection.id)}"]` : `[data-stage-header="${CSS.escape(selection.id)}"]`;
      const node = board.querySelector(query);
      if (!node) continue;
      node.dataset.peer = String(peer.color);
      node.append(element('span', { class: `peer-tag color-${peer.color}`, text: peer.name, 'aria-label': `${peer.name} has this selected` }));
    }
  }

  applyView();
  return { render, select, showPeers, showComments, showData, showProblems, zoomBy, fit, reset, panBy, get selection() { return selection; }, get view() { return { ...view }; } };
}
