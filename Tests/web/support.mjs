// Shared by the editor tests: the fixture map, a validity check, a seeded PRNG and random operations.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { duplicateTouchpoint, elementIds, isId, newId } from "../../Sources/WayfinderServer/Resources/web/editor/operations.js";

/** The fixture map (3 stages, 6 touchpoints, 2 lanes, goal set), deep-frozen so any mutation throws. */
export function loadFixture() {
  return deepFreeze(JSON.parse(readFileSync(new URL("./fixtures/map.json", import.meta.url), "utf8")));
}

/** Freezes a JSON value and everything in it. */
export function deepFreeze(value) {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const each of Object.values(value)) deepFreeze(each);
  }
  return value;
}

/** Asserts what every document must keep: valid unique ids, touchpoints in existing stages, cards of existing touchpoints, a goal that exists. */
export function assertValid(doc) {
  const stages = doc.stages ?? [];
  const touchpoints = doc.touchpoints ?? [];
  const lanes = doc.lanes ?? [];
  assert.ok(Array.isArray(stages), "stages is a list");
  const ids = [...stages, ...touchpoints].map((element) => element.id);
  for (const id of ids) assert.ok(isId(id), `valid id ${JSON.stringify(id)}`);
  assert.equal(new Set(ids).size, ids.length, `ids unique: ${ids.join(", ")}`);
  const stageIds = new Set(stages.map((stage) => stage.id));
  for (const stage of stages) assert.equal(typeof stage.name, "string", `stage ${stage.id} has a name`);
  for (const touchpoint of touchpoints) {
    assert.ok(stageIds.has(touchpoint.stage), `the stage ${touchpoint.stage} of ${touchpoint.id} exists`);
    assert.equal(typeof touchpoint.name, "string", `touchpoint ${touchpoint.id} has a name`);
    assert.equal(typeof touchpoint.channel, "string", `touchpoint ${touchpoint.id} has a channel`);
  }
  const laneIds = lanes.map((lane) => lane.id);
  for (const id of laneIds) assert.ok(isId(id), `valid lane id ${JSON.stringify(id)}`);
  assert.equal(new Set(laneIds).size, laneIds.length, "lane ids unique");
  const touchpointIds = new Set(touchpoints.map((touchpoint) => touchpoint.id));
  for (const lane of lanes) {
    for (const key of Object.keys(lane.cards ?? {})) assert.ok(touchpointIds.has(key), `lane ${lane.id} card ${key} names a touchpoint`);
  }
  if (doc.goal != null) assert.ok(ids.includes(doc.goal), `goal ${doc.goal} exists`);
  if ("touchpoints" in doc) assert.ok(touchpoints.length > 0, "an empty touchpoints list is left out");
  if ("lanes" in doc) assert.ok(lanes.length > 0, "an empty lanes list is left out");
}

/** A seeded PRNG (mulberry32) returning numbers in [0, 1). */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["Sees an ad", "Größe prüfen", "Café visit", "Checkout", "Returns", "Naïve search", "Delivery", "Review"];

/**
 * A random operation on `doc`: mostly on existing elements, sometimes on missing ones, with taken or
 * malformed ids, out-of-range indices, batches, duplicates and the odd malformed operation.
 */
export function randomOp(doc, random, depth = 0) {
  const pick = (items) => items[Math.floor(random() * items.length)];
  const int = (low, high) => low + Math.floor(random() * (high - low + 1));
  const chance = (p) => random() < p;
  const stages = doc.stages ?? [];
  const touchpoints = doc.touchpoints ?? [];
  const lanes = doc.lanes ?? [];
  const word = () => `${pick(WORDS)} ${int(1, 99)}`;
  const stageId = () => (chance(0.1) || stages.length === 0 ? "ghost-stage" : pick(stages).id);
  const touchpointId = () => (chance(0.1) || touchpoints.length === 0 ? "ghost" : pick(touchpoints).id);
  const laneId = () => (chance(0.1) || lanes.length === 0 ? "ghost-lane" : pick(lanes).id);
  const freshId = () => (chance(0.1) ? pick([...elementIds(doc)]) ?? "taken" : chance(0.05) ? "Not An Id" : newId(word(), elementIds(doc)));
  const index = (length) => int(-2, length + 2);
  const set = (target, field, value) => ({ type: "setField", target, field, value });

  switch (pick([
    "touchpointField", "touchpointField", "touchpointField", "stageField", "laneField", "mapField",
    "addStage", "removeStage", "moveStage", "addTouchpoint", "addTouchpoint", "removeTouchpoint", "moveTouchpoint", "moveTouchpoint",
    "renameId", "addLane", "removeLane", "moveLane", "setLaneCard", "setLaneCard", "duplicate", "batch", "malformed",
  ])) {
    case "touchpointField": {
      const target = { kind: "touchpoint", id: touchpointId() };
      const field = pick(["name", "emotion", "actions", "pain_points", "channel", "description", "owner", "match", "stage", "evidence"]);
      const values = {
        name: word(), emotion: int(-2, 2), actions: [word(), { text: word(), evidence: "observed" }],
        pain_points: [{ text: word(), severity: pick(["low", "medium", "high"]) }], channel: pick(["web", "store", null]),
        description: chance(0.5) ? word() : null, owner: chance(0.5) ? "Marketing" : null, match: { event: word() },
        stage: stageId(), evidence: pick(["observed", "assumed", "proposed"]),
      };
      return set(target, field, values[field]);
    }
    case "stageField": return set({ kind: "stage", id: stageId() }, pick(["name", "description"]), chance(0.8) ? word() : null);
    case "laneField": return set({ kind: "lane", id: laneId() }, pick(["name", "color"]), chance(0.8) ? word() : null);
    case "mapField": {
      const field = pick(["title", "objective", "goal", "improves", "description", "state"]);
      const values = {
        title: word(), objective: chance(0.7) ? word() : null, goal: chance(0.7) ? pick([stageId(), touchpointId()]) : null,
        improves: chance(0.5) ? "first-purchase-future" : null, description: null, state: pick(["current", "future", null]),
      };
      return set({ kind: "map" }, field, values[field]);
    }
    case "addStage": return { type: "addStage", stage: { id: freshId(), name: word() }, index: index(stages.length) };
    case "removeStage": return { type: "removeStage", id: stageId() };
    case "moveStage": return { type: "moveStage", id: stageId(), index: index(stages.length) };
    case "addTouchpoint": {
      const touchpoint = { id: freshId(), name: word(), stage: stageId(), channel: "web", emotion: int(-2, 2) };
      return { type: "addTouchpoint", touchpoint, index: index(touchpoints.length) };
    }
    case "removeTouchpoint": return { type: "removeTouchpoint", id: touchpointId() };
    case "moveTouchpoint": return { type: "moveTouchpoint", id: touchpointId(), stage: stageId(), position: int(-1, 5) };
    case "renameId": {
      const kind = pick(["stage", "touchpoint"]);
      return { type: "renameId", kind, from: kind === "stage" ? stageId() : touchpointId(), to: freshId() };
    }
    case "addLane": {
      const id = chance(0.1) && lanes.length > 0 ? pick(lanes).id : newId(word(), lanes.map((lane) => lane.id));
      return { type: "addLane", lane: { id, name: word(), cards: { [touchpointId()]: word() } }, index: index(lanes.length) };
    }
    case "removeLane": return { type: "removeLane", id: laneId() };
    case "moveLane": return { type: "moveLane", id: laneId(), index: index(lanes.length) };
    case "setLaneCard": {
      const value = pick([word(), { text: word(), evidence: "assumed" }, null, ""]);
      return { type: "setLaneCard", lane: laneId(), touchpoint: touchpointId(), value };
    }
    case "duplicate": return duplicateTouchpoint(doc, touchpointId()) ?? { type: "removeTouchpoint", id: "ghost" };
    case "batch": {
      if (depth > 1) return { type: "moveStage", id: stageId(), index: 0 };
      return { type: "batch", ops: Array.from({ length: int(1, 3) }, () => randomOp(doc, random, depth + 1)) };
    }
    default: return pick([{ type: "nope" }, { type: "setField" }, { type: "moveTouchpoint", id: touchpointId() }, null]);
  }
}
