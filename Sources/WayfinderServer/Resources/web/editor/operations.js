// Document operations of the map editor: pure functions on the journey-as-code JSON of one journey map
// (snake_case keys, as the server's API returns it). An operation is a plain JSON object `{type, ...}`;
// `apply` never mutates the document it is given and skips an operation whose target has gone, so
// operations from colleagues can arrive in any interleaving with local ones.

/**
 * @typedef {{kind: "map"} | {kind: "stage" | "touchpoint" | "lane", id: string}} Target
 * @typedef {{type: string, [argument: string]: any}} Op
 * @typedef {{doc: object, inverse: Op | null, applied: boolean}} Applied
 */

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FIELD = /^[a-z][a-z0-9_]*$/;
const MAX_ID_LENGTH = 60;
const MAX_BATCH_DEPTH = 32;

/** Fields changed only by their own operations (ids, the ordered lists, lane cards). */
const STRUCTURAL = { map: ["id", "stages", "touchpoints", "lanes"], stage: ["id"], touchpoint: ["id"], lane: ["id", "cards"] };
/** Fields a valid map cannot lack: setField refuses to remove them. */
const REQUIRED = { map: ["title", "state"], stage: ["name"], touchpoint: ["name", "stage", "channel"], lane: ["name"] };
const LIST_OF_KIND = { stage: "stages", touchpoint: "touchpoints", lane: "lanes" };

/** True when `value` is a valid stage, touchpoint or lane id. */
export function isId(value) {
  return typeof value === "string" && ID.test(value);
}

/**
 * Applies one operation to a document and returns the new document with the operation that undoes it.
 * Never mutates `doc` and never throws: an operation whose target is missing, or that would make the
 * map invalid (a taken or malformed id, a touchpoint without its stage), is skipped with
 * `applied: false`, `inverse: null` and the same `doc`. Indices and positions are clamped.
 * @param {object} doc
 * @param {Op} op
 * @returns {Applied}
 */
export function apply(doc, op) {
  return applyAt(doc, op, 0);
}

function applyAt(doc, op, depth) {
  if (!isObject(doc) || !isObject(op) || !Object.hasOwn(HANDLERS, op.type)) return skipped(doc);
  if (op.type === "batch") return batch(doc, op, depth);
  return HANDLERS[op.type](doc, op);
}

const HANDLERS = {
  setField, addStage, removeStage, moveStage, addTouchpoint, removeTouchpoint, moveTouchpoint,
  renameId, addLane, removeLane, moveLane, setLaneCard, batch,
};

// ---- fields ----------------------------------------------------------------------------------------

/** `{target, field, value}`: sets one field; `null`/`undefined` removes it (`keepNull: true` stores null). */
function setField(doc, { target, field, value, keepNull }) {
  if (!isObject(target) || !Object.hasOwn(STRUCTURAL, target.kind)) return skipped(doc);
  const kind = target.kind;
  if (typeof field !== "string" || !FIELD.test(field) || STRUCTURAL[kind].includes(field)) return skipped(doc);
  const remove = value === undefined || (value === null && keepNull !== true);
  if (value == null && REQUIRED[kind].includes(field)) return skipped(doc);
  if (kind === "touchpoint" && field === "stage" && indexById(list(doc, "stages"), value) < 0) return skipped(doc);
  if (kind === "map" && field === "goal" && value != null && !elementIds(doc).has(value)) return skipped(doc);

  const replace = (element) => {
    const next = { ...element };
    if (remove) delete next[field];
    else next[field] = copy(value);
    return next;
  };
  const inverseFor = (element) => {
    const had = Object.hasOwn(element, field);
    const inverse = { type: "setField", target: kind === "map" ? { kind } : { kind, id: target.id }, field, value: had ? copy(element[field]) : null };
    if (had && element[field] === null) inverse.keepNull = true;
    return inverse;
  };
  if (kind === "map") return done(replace(doc), inverseFor(doc));

  const key = LIST_OF_KIND[kind];
  const items = list(doc, key);
  const index = indexById(items, target.id);
  if (index < 0) return skipped(doc);
  return done(withList(doc, key, replaceAt(items, index, replace(items[index]))), inverseFor(items[index]));
}

// ---- stages ----------------------------------------------------------------------------------------

/** `{stage, index}`: inserts a new stage (its id must be free). */
function addStage(doc, { stage, index }) {
  if (!isObject(stage) || !isId(stage.id) || typeof stage.name !== "string" || elementIds(doc).has(stage.id)) return skipped(doc);
  return done(withList(doc, "stages", insertAt(list(doc, "stages"), index, copy(stage))), { type: "removeStage", id: stage.id });
}

/** `{id}`: removes a stage with its touchpoints and their lane cards; clears the goal if it named one of them. */
function removeStage(doc, { id }) {
  const stages = list(doc, "stages");
  const index = indexById(stages, id);
  if (index < 0) return skipped(doc);
  const touchpoints = list(doc, "touchpoints");
  const removed = [];
  touchpoints.forEach((touchpoint, position) => {
    if (touchpoint.stage === id) removed.push({ touchpoint, position });
  });
  const gone = new Set(removed.map(({ touchpoint }) => touchpoint.id));
  let next = withList(doc, "stages", removeAt(stages, index));
  next = withList(next, "touchpoints", touchpoints.filter((touchpoint) => !gone.has(touchpoint.id)));
  const lanes = withoutCards(next, gone);
  const goal = clearGoal(lanes.doc, (goalId) => goalId === id || gone.has(goalId));

  const restore = [
    { type: "addStage", stage: copy(stages[index]), index },
    ...removed.map(({ touchpoint, position }) => ({ type: "addTouchpoint", touchpoint: copy(touchpoint), index: position })),
    ...lanes.restore,
    ...goal.restore,
  ];
  return done(goal.doc, single(restore));
}

/** `{id, index}`: moves a stage to a new index (clamped). */
function moveStage(doc, { id, index }) {
  return moveInList(doc, "stages", "moveStage", id, index);
}

// ---- touchpoints -----------------------------------------------------------------------------------

/** `{touchpoint, index}`: inserts a touchpoint into the touchpoints array (its stage must exist, its id be free). */
function addTouchpoint(doc, { touchpoint, index }) {
  if (!isObject(touchpoint) || !isId(touchpoint.id) || typeof touchpoint.name !== "string") return skipped(doc);
  if (elementIds(doc).has(touchpoint.id) || indexById(list(doc, "stages"), touchpoint.stage) < 0) return skipped(doc);
  const touchpoints = insertAt(list(doc, "touchpoints"), index, copy(touchpoint));
  return done(withList(doc, "touchpoints", touchpoints), { type: "removeTouchpoint", id: touchpoint.id });
}

/** `{id}`: removes a touchpoint and its lane cards; clears the goal if it named it. */
function removeTouchpoint(doc, { id }) {
  const touchpoints = list(doc, "touchpoints");
  const index = indexById(touchpoints, id);
  if (index < 0) return skipped(doc);
  const lanes = withoutCards(withList(doc, "touchpoints", removeAt(touchpoints, index)), new Set([id]));
  const goal = clearGoal(lanes.doc, (goalId) => goalId === id);
  const restore = [{ type: "addTouchpoint", touchpoint: copy(touchpoints[index]), index }, ...lanes.restore, ...goal.restore];
  return done(goal.doc, single(restore));
}

/**
 * `{id, stage, position, index?}`: moves a touchpoint to `position` among the target stage's touchpoints
 * (counted after taking it from its old place; clamped). The optional `index` into the touchpoints array
 * is used when it gives that same position (inverses carry it so undo restores the exact array order).
 */
function moveTouchpoint(doc, { id, stage, position, index }) {
  const touchpoints = list(doc, "touchpoints");
  const from = indexById(touchpoints, id);
  const stages = list(doc, "stages");
  if (from < 0 || indexById(stages, stage) < 0) return skipped(doc);
  const moving = touchpoints[from];
  const oldPosition = touchpoints.slice(0, from).filter((touchpoint) => touchpoint.stage === moving.stage).length;
  const rest = removeAt(touchpoints, from);
  const slot = placement(stages, rest, stage, position, index);
  const moved = moving.stage === stage ? moving : { ...moving, stage };
  const inverse = { type: "moveTouchpoint", id, stage: moving.stage, position: oldPosition, index: from };
  return done(withList(doc, "touchpoints", insertAt(rest, slot, moved)), inverse);
}

/** The touchpoints-array index at which a touchpoint lands at `position` among `stage`'s touchpoints. */
function placement(stages, rest, stage, position, index) {
  const members = [];
  rest.forEach((touchpoint, at) => {
    if (touchpoint.stage === stage) members.push(at);
  });
  const wanted = clamp(position, members.length);
  const low = wanted === 0 ? 0 : members[wanted - 1] + 1;
  const high = wanted === members.length ? rest.length : members[wanted];
  if (Number.isInteger(index) && index >= low && index <= high) return index;
  if (wanted < members.length) return high;
  if (members.length > 0) return low;
  // An empty stage: after the touchpoints of the stages before it, so stages stay grouped.
  const earlier = new Set(stages.slice(0, indexById(stages, stage)).map((each) => each.id));
  let after = -1;
  rest.forEach((touchpoint, at) => {
    if (earlier.has(touchpoint.stage)) after = at;
  });
  return after + 1;
}

// ---- ids -------------------------------------------------------------------------------------------

/** `{kind, from, to}`: changes a stage's or touchpoint's id and every reference to it (stage, lane cards, goal). */
function renameId(doc, { kind, from, to }) {
  if (kind !== "stage" && kind !== "touchpoint") return skipped(doc);
  if (!isId(to) || from === to || elementIds(doc).has(to)) return skipped(doc);
  const key = LIST_OF_KIND[kind];
  const items = list(doc, key);
  const index = indexById(items, from);
  if (index < 0) return skipped(doc);
  let next = withList(doc, key, replaceAt(items, index, { ...items[index], id: to }));
  if (kind === "stage") {
    const touchpoints = list(next, "touchpoints");
    if (touchpoints.some((touchpoint) => touchpoint.stage === from)) {
      next = withList(next, "touchpoints", touchpoints.map((touchpoint) => (touchpoint.stage === from ? { ...touchpoint, stage: to } : touchpoint)));
    }
  } else {
    const lanes = list(next, "lanes");
    if (lanes.some((lane) => hasCard(lane, from))) {
      next = withList(next, "lanes", lanes.map((lane) => (hasCard(lane, from) ? { ...lane, cards: renameKey(lane.cards, from, to) } : lane)));
    }
  }
  if (next.goal === from) next = { ...next, goal: to };
  return done(next, { type: "renameId", kind, from: to, to: from });
}

// ---- lanes -----------------------------------------------------------------------------------------

/** `{lane, index}`: inserts a lane (its id must be free among lanes); cards of unknown touchpoints are dropped. */
function addLane(doc, { lane, index }) {
  if (!isObject(lane) || !isId(lane.id) || typeof lane.name !== "string") return skipped(doc);
  const lanes = list(doc, "lanes");
  if (indexById(lanes, lane.id) >= 0) return skipped(doc);
  const added = copy(lane);
  if (Object.hasOwn(lane, "cards")) {
    const touchpoints = new Set(list(doc, "touchpoints").map((touchpoint) => touchpoint.id));
    added.cards = isObject(lane.cards) ? Object.fromEntries(Object.entries(added.cards).filter(([key]) => touchpoints.has(key))) : {};
  }
  return done(withList(doc, "lanes", insertAt(lanes, index, added)), { type: "removeLane", id: lane.id });
}

/** `{id}`: removes a lane with its cards. */
function removeLane(doc, { id }) {
  const lanes = list(doc, "lanes");
  const index = indexById(lanes, id);
  if (index < 0) return skipped(doc);
  return done(withList(doc, "lanes", removeAt(lanes, index)), { type: "addLane", lane: copy(lanes[index]), index });
}

/** `{id, index}`: moves a lane to a new index (clamped). */
function moveLane(doc, { id, index }) {
  return moveInList(doc, "lanes", "moveLane", id, index);
}

/** `{lane, touchpoint, value}`: sets a lane's card for a touchpoint; `null` or `""` removes it. */
function setLaneCard(doc, { lane, touchpoint, value }) {
  const lanes = list(doc, "lanes");
  const index = indexById(lanes, lane);
  if (index < 0 || indexById(list(doc, "touchpoints"), touchpoint) < 0) return skipped(doc);
  const remove = value == null || value === "";
  if (!remove && typeof value !== "string" && !isObject(value)) return skipped(doc);
  const current = lanes[index];
  const had = hasCard(current, touchpoint);
  const inverse = { type: "setLaneCard", lane, touchpoint, value: had ? copy(current.cards[touchpoint]) : null };
  if (remove && !had) return done(doc, inverse);
  const cards = { ...(isObject(current.cards) ? current.cards : {}) };
  if (remove) delete cards[touchpoint];
  else cards[touchpoint] = copy(value);
  return done(withList(doc, "lanes", replaceAt(lanes, index, { ...current, cards })), inverse);
}

// ---- batches ---------------------------------------------------------------------------------------

/** `{ops}`: applies each in order, skipping those that do not apply; the inverse undoes the applied ones in reverse. */
function batch(doc, { ops }, depth = 0) {
  if (!Array.isArray(ops) || depth >= MAX_BATCH_DEPTH) return skipped(doc);
  let current = doc;
  const inverses = [];
  for (const op of ops) {
    const result = applyAt(current, op, depth + 1);
    if (!result.applied) continue;
    current = result.doc;
    inverses.unshift(result.inverse);
  }
  return inverses.length === 0 ? skipped(doc) : done(current, single(inverses));
}

// ---- what an operation writes ----------------------------------------------------------------------

/**
 * Names what an operation writes, e.g. `touchpoint:ID:name`, `touchpoint:ID:*` (the whole element, for
 * adds and removes), `stage-order`, `touchpoint-order`, `lane-order`, `lane:ID:card:TP`, `map:goal`.
 * A `*` segment stands for any one segment, a trailing `*` for all the rest. Given the document the
 * operation applies to, a stage removal also names its touchpoints, their cards and the goal it clears.
 * @param {Op} op
 * @param {object} [doc]
 * @returns {string[]}
 */
export function footprint(op, doc) {
  return [...new Set(footprintAt(op, isObject(doc) ? doc : null, 0))];
}

function footprintAt(op, doc, depth) {
  if (!isObject(op)) return [];
  switch (op.type) {
    case "setField": {
      if (!isObject(op.target) || typeof op.field !== "string") return [];
      return op.target.kind === "map" ? [`map:${op.field}`] : [`${op.target.kind}:${op.target.id}:${op.field}`];
    }
    case "addStage": return isObject(op.stage) ? [`stage:${op.stage.id}:*`] : [];
    case "removeStage": {
      if (!doc) return [`stage:${op.id}:*`];
      const inside = list(doc, "touchpoints").filter((touchpoint) => touchpoint.stage === op.id).map((touchpoint) => touchpoint.id);
      const goal = doc.goal != null && (doc.goal === op.id || inside.includes(doc.goal)) ? ["map:goal"] : [];
      return [`stage:${op.id}:*`, ...inside.flatMap((id) => [`touchpoint:${id}:*`, `lane:*:card:${id}`]), ...goal];
    }
    case "moveStage": return ["stage-order", `stage:${op.id}:position`];
    case "addTouchpoint": return isObject(op.touchpoint) ? [`touchpoint:${op.touchpoint.id}:*`] : [];
    case "removeTouchpoint": {
      const goal = doc && doc.goal != null && doc.goal === op.id ? ["map:goal"] : [];
      return [`touchpoint:${op.id}:*`, `lane:*:card:${op.id}`, ...goal];
    }
    case "moveTouchpoint": return ["touchpoint-order", `touchpoint:${op.id}:stage`, `touchpoint:${op.id}:position`];
    case "renameId": return [`${op.kind}:${op.from}:id`, `${op.kind}:${op.to}:id`];
    case "addLane": return isObject(op.lane) ? [`lane:${op.lane.id}:*`] : [];
    case "removeLane": return [`lane:${op.id}:*`];
    case "moveLane": return ["lane-order", `lane:${op.id}:position`];
    case "setLaneCard": return [`lane:${op.lane}:card:${op.touchpoint}`];
    case "batch": {
      if (!Array.isArray(op.ops) || depth >= MAX_BATCH_DEPTH) return [];
      let current = doc;
      return op.ops.flatMap((each) => {
        const written = footprintAt(each, current, depth + 1);
        if (current) current = applyAt(current, each, depth + 1).doc;
        return written;
      });
    }
    default: return [];
  }
}

/**
 * True when two operations write something in common (a `*` covering an element's fields), so that
 * applying both in either order gives different documents and the later one wins.
 * @param {Op} a
 * @param {Op} b
 */
export function conflicts(a, b) {
  return overlap(footprint(a), footprint(b));
}

/** True when two footprints (from `footprint`) share an entry, with `*` as in `footprint`. */
export function overlap(first, second) {
  return first.some((one) => second.some((other) => covers(one, other)));
}

function covers(one, other) {
  const a = one.split(":");
  const b = other.split(":");
  for (let at = 0; ; at += 1) {
    if (at === a.length || at === b.length) return a.length === b.length;
    if ((a[at] === "*" && at === a.length - 1) || (b[at] === "*" && at === b.length - 1)) return true;
    if (a[at] !== b[at] && a[at] !== "*" && b[at] !== "*") return false;
  }
}

// ---- ids for new elements, duplicating -------------------------------------------------------------

const FOLDED = { "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i" };

/**
 * A valid id for a display name, unique among `taken` (a Set or array): lower-case ASCII with diacritics
 * stripped, other characters as `-`, at most 60 characters, then `-2`, `-3`… while taken; "item" when
 * nothing of the name is left.
 * @param {string} name
 * @param {Iterable<string>} [taken]
 */
export function newId(name, taken = []) {
  const used = new Set(taken);
  const slug = String(name ?? "")
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[ßæœøđðłþı]/g, (letter) => FOLDED[letter])
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const base = shorten(slug, MAX_ID_LENGTH) || "item";
  if (!used.has(base)) return base;
  for (let number = 2; ; number += 1) {
    const suffix = `-${number}`;
    const candidate = shorten(base, MAX_ID_LENGTH - suffix.length) + suffix;
    if (!used.has(candidate)) return candidate;
  }
}

function shorten(slug, length) {
  return slug.slice(0, length).replace(/-+$/, "");
}

/** The ids of a map's stages and touchpoints (one id space). */
export function elementIds(doc) {
  return new Set([...list(doc, "stages"), ...list(doc, "touchpoints")].map((element) => element.id));
}

/**
 * The operation that duplicates a touchpoint: an `addTouchpoint` of a deep copy right after the original
 * (id from the name + " copy", name + " (copy)"), batched with `setLaneCard`s copying its lane cards.
 * Null when the touchpoint does not exist.
 * @param {object} doc
 * @param {string} id
 * @returns {Op | null}
 */
export function duplicateTouchpoint(doc, id) {
  const touchpoints = list(doc, "touchpoints");
  const index = indexById(touchpoints, id);
  if (index < 0) return null;
  const original = touchpoints[index];
  const copyId = newId(`${original.name} copy`, elementIds(doc));
  const add = { type: "addTouchpoint", touchpoint: { ...copy(original), id: copyId, name: `${original.name} (copy)` }, index: index + 1 };
  const cards = list(doc, "lanes")
    .filter((lane) => hasCard(lane, id))
    .map((lane) => ({ type: "setLaneCard", lane: lane.id, touchpoint: copyId, value: copy(lane.cards[id]) }));
  return cards.length === 0 ? add : { type: "batch", ops: [add, ...cards] };
}

// ---- describing ------------------------------------------------------------------------------------

const FIELD_LABELS = { kpis: "KPIs", match: "event match", emotion_scale: "emotion scale", pain_points: "pain points" };

/**
 * A short sentence for an operation, for the history list and for telling someone their edit lost to a
 * colleague's ("Moved “Sees an ad” to Consideration"). `doc` is the document the operation applies to;
 * without it (or when an element is gone) ids stand in for names.
 * @param {Op} op
 * @param {object} [doc]
 * @returns {string}
 */
export function describe(op, doc) {
  const map = isObject(doc) ? doc : {};
  if (!isObject(op)) return "Changed the map";
  switch (op.type) {
    case "setField": return describeField(op, map);
    case "addStage": return `Added stage ${quote(op.stage?.name ?? op.stage?.id)}`;
    case "removeStage": {
      const count = list(map, "touchpoints").filter((touchpoint) => touchpoint.stage === op.id).length;
      const inside = count === 0 ? "" : ` and its ${count} touchpoint${count === 1 ? "" : "s"}`;
      return `Removed stage ${quote(nameOf(map, "stages", op.id))}${inside}`;
    }
    case "moveStage": return `Moved stage ${quote(nameOf(map, "stages", op.id))}`;
    case "addTouchpoint": return `Added ${quote(op.touchpoint?.name ?? op.touchpoint?.id)} to ${nameOf(map, "stages", op.touchpoint?.stage)}`;
    case "removeTouchpoint": return `Removed ${quote(nameOf(map, "touchpoints", op.id))}`;
    case "moveTouchpoint": return `Moved ${quote(nameOf(map, "touchpoints", op.id))} to ${nameOf(map, "stages", op.stage)}`;
    case "renameId": {
      const kind = op.kind === "stage" ? "stage" : "touchpoint";
      return `Changed the id of ${kind} ${quote(nameOf(map, LIST_OF_KIND[kind], op.from))} to ${op.to}`;
    }
    case "addLane": return `Added lane ${quote(op.lane?.name ?? op.lane?.id)}`;
    case "removeLane": return `Removed lane ${quote(nameOf(map, "lanes", op.id))}`;
    case "moveLane": return `Moved lane ${quote(nameOf(map, "lanes", op.id))}`;
    case "setLaneCard": {
      const verb = op.value == null || op.value === "" ? "Removed" : "Edited";
      return `${verb} the ${nameOf(map, "lanes", op.lane)} card of ${quote(nameOf(map, "touchpoints", op.touchpoint))}`;
    }
    case "batch": return describeBatch(op, map);
    default: return "Changed the map";
  }
}

function describeField({ target, field, value, keepNull }, map) {
  const kind = target?.kind;
  if (!Object.hasOwn(STRUCTURAL, kind)) return "Changed the map";
  const cleared = value === undefined || (value === null && keepNull !== true);
  const label = FIELD_LABELS[field] ?? String(field).replaceAll("_", " ");
  if (kind === "map") {
    if (field === "title" && !cleared) return `Renamed the map to ${quote(value)}`;
    if (field === "goal" && !cleared) return `Set the map's goal to ${quote(nameOf(map, "touchpoints", value, nameOf(map, "stages", value)))}`;
    return `${cleared ? "Cleared" : "Changed"} the map's ${label}`;
  }
  const kindWord = kind === "touchpoint" ? "" : `${kind} `;
  const name = nameOf(map, LIST_OF_KIND[kind] ?? "touchpoints", target?.id);
  if (field === "name" && !cleared) {
    return name === value ? `Renamed ${kindWord}${quote(value)}` : `Renamed ${kindWord}${quote(name)} to ${quote(value)}`;
  }
  if (kind === "touchpoint" && field === "stage") return `Moved ${quote(name)} to ${nameOf(map, "stages", value)}`;
  return `${cleared ? "Cleared" : "Changed"} the ${label} of ${kindWord}${quote(name)}`;
}

/** A batch is told by its first operation; lane cards and the goal that come with it are not counted. */
function describeBatch({ ops }, map) {
  const parts = Array.isArray(ops) ? ops.filter(isObject) : [];
  if (parts.length === 0) return "Changed nothing";
  const [first, ...rest] = parts;
  const followers = rest.filter((op) => op.type !== "setLaneCard" && !(op.type === "setField" && op.field === "goal"));
  const more = followers.length === 0 ? "" : ` and made ${followers.length} more change${followers.length === 1 ? "" : "s"}`;
  return describe(first, map) + more;
}

function nameOf(doc, key, id, fallback) {
  const found = list(doc, key).find((element) => element.id === id);
  return found?.name ?? fallback ?? String(id);
}

function quote(text) {
  return `“${text}”`;
}

// ---- helpers ---------------------------------------------------------------------------------------

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value (keys named __proto__ are dropped). */
function copy(value) {
  if (Array.isArray(value)) return value.map(copy);
  if (!isObject(value)) return value;
  const result = {};
  for (const [key, each] of Object.entries(value)) {
    if (key !== "__proto__") result[key] = copy(each);
  }
  return result;
}

function skipped(doc) {
  return { doc, inverse: null, applied: false };
}

function done(doc, inverse) {
  return { doc, inverse, applied: true };
}

function single(ops) {
  return ops.length === 1 ? ops[0] : { type: "batch", ops };
}

/** A list of the document, without anything that is not an object (which no valid map holds). */
function list(doc, key) {
  const items = doc?.[key];
  if (!Array.isArray(items)) return [];
  return items.every(isObject) ? items : items.filter(isObject);
}

/** The document with a list replaced; an empty touchpoints or lanes list is left out, as the server writes it. */
function withList(doc, key, items) {
  const next = { ...doc, [key]: items };
  if (items.length === 0 && key !== "stages") delete next[key];
  return next;
}

function indexById(items, id) {
  return typeof id === "string" ? items.findIndex((item) => isObject(item) && item.id === id) : -1;
}

function clamp(index, max) {
  return typeof index === "number" && !Number.isNaN(index) ? Math.min(Math.max(Math.trunc(index), 0), max) : max;
}

function insertAt(items, index, item) {
  const at = clamp(index, items.length);
  return [...items.slice(0, at), item, ...items.slice(at)];
}

function removeAt(items, index) {
  return [...items.slice(0, index), ...items.slice(index + 1)];
}

function replaceAt(items, index, item) {
  return items.map((each, at) => (at === index ? item : each));
}

function moveInList(doc, key, type, id, index) {
  const items = list(doc, key);
  const from = indexById(items, id);
  if (from < 0) return skipped(doc);
  const rest = removeAt(items, from);
  return done(withList(doc, key, insertAt(rest, index, items[from])), { type, id, index: from });
}

function hasCard(lane, touchpoint) {
  return isObject(lane?.cards) && Object.hasOwn(lane.cards, touchpoint);
}

function renameKey(cards, from, to) {
  return Object.fromEntries(Object.entries(cards).map(([key, value]) => [key === from ? to : key, value]));
}

/** Removes the cards of the given touchpoints from every lane; `restore` puts them back. */
function withoutCards(doc, touchpoints) {
  const restore = [];
  const lanes = list(doc, "lanes").map((lane) => {
    if (!isObject(lane.cards)) return lane;
    const dropped = Object.keys(lane.cards).filter((key) => touchpoints.has(key));
    if (dropped.length === 0) return lane;
    for (const touchpoint of dropped) restore.push({ type: "setLaneCard", lane: lane.id, touchpoint, value: copy(lane.cards[touchpoint]) });
    return { ...lane, cards: Object.fromEntries(Object.entries(lane.cards).filter(([key]) => !touchpoints.has(key))) };
  });
  return { doc: restore.length === 0 ? doc : { ...doc, lanes }, restore };
}

/** Removes the goal when `named(goal)`; `restore` sets it again. */
function clearGoal(doc, named) {
  if (doc.goal == null || !named(doc.goal)) return { doc, restore: [] };
  const next = { ...doc };
  delete next.goal;
  return { doc: next, restore: [{ type: "setField", target: { kind: "map" }, field: "goal", value: doc.goal }] };
}
