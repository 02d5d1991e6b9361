import assert from "node:assert/strict";
import { describe as group, test } from "node:test";
import {
  apply, conflicts, describe, duplicateTouchpoint, footprint, newId,
} from "../../Sources/WayfinderServer/Resources/web/editor/operations.js";
import { assertValid, deepFreeze, loadFixture, prng, randomOp } from "./support.mjs";

const map = loadFixture();
const touchpointIds = () => map.touchpoints.map((touchpoint) => touchpoint.id);
const set = (target, field, value) => ({ type: "setField", target, field, value });
const touchpoint = (id) => ({ kind: "touchpoint", id });

/** Applies an op that must apply, checks the result is valid, and returns it. */
function applied(doc, op) {
  const result = apply(doc, op);
  assert.equal(result.applied, true, `applies: ${JSON.stringify(op)}`);
  assert.ok(result.inverse, "has an inverse");
  assertValid(result.doc);
  return { ...result, doc: deepFreeze(result.doc) };
}

/** Every kind of operation on the fixture, by name. */
function everyOperation() {
  const ops = {
    "rename a touchpoint": set(touchpoint("instagram-ad"), "name", "Sees a creator's reel"),
    "set an emotion": set(touchpoint("checkout"), "emotion", -1.5),
    "replace actions": set(touchpoint("size-finder"), "actions", ["Measures her foot", { text: "Gives up", evidence: "observed" }]),
    "replace pain points": set(touchpoint("checkout"), "pain_points", [{ text: "No Apple Pay", severity: "high", evidence: "observed" }]),
    "set a match": set(touchpoint("store-fitting"), "match", { event: "Fitting Booked", properties: { store: { in: ["leeds"] } } }),
    "change a channel": set(touchpoint("beginner-guide"), "channel", "web"),
    "remove a description": set(touchpoint("instagram-ad"), "description", null),
    "remove evidence with undefined": set(touchpoint("beginner-guide"), "evidence", undefined),
    "add a field": set(touchpoint("order-placed"), "owner", "Logistics"),
    "change a touchpoint's stage field": set(touchpoint("store-fitting"), "stage", "purchase"),
    "rename a stage": set({ kind: "stage", id: "purchase" }, "name", "Decision"),
    "remove a stage description": set({ kind: "stage", id: "awareness" }, "description", null),
    "rename a lane": set({ kind: "lane", id: "systems" }, "name", "Systems and data"),
    "retitle the map": set({ kind: "map" }, "title", "First purchase"),
    "move the goal to a stage": set({ kind: "map" }, "goal", "purchase"),
    "clear the goal": set({ kind: "map" }, "goal", null),
    "remove the objective": set({ kind: "map" }, "objective", null),
    "set improves": set({ kind: "map" }, "improves", "first-purchase-future"),
    "add a stage first": { type: "addStage", stage: { id: "discovery", name: "Discovery" }, index: 0 },
    "add a stage past the end": { type: "addStage", stage: { id: "loyalty", name: "Loyalty", description: "Coming back" }, index: 99 },
    "move a stage last": { type: "moveStage", id: "awareness", index: 2 },
    "move a stage before the start": { type: "moveStage", id: "purchase", index: -5 },
    "add a touchpoint": { type: "addTouchpoint", touchpoint: { id: "chat", name: "Asks chat", stage: "consideration", channel: "chat" }, index: 3 },
    "move a touchpoint to another stage": { type: "moveTouchpoint", id: "beginner-guide", stage: "purchase", position: 1 },
    "move a touchpoint within its stage": { type: "moveTouchpoint", id: "order-placed", stage: "purchase", position: 0 },
    "move a touchpoint past its stage's end": { type: "moveTouchpoint", id: "instagram-ad", stage: "consideration", position: 40 },
    "rename a stage id": { type: "renameId", kind: "stage", from: "consideration", to: "research" },
    "rename a touchpoint id with cards and goal": { type: "renameId", kind: "touchpoint", from: "order-placed", to: "order-completed" },
    "add a lane": { type: "addLane", lane: { id: "front-stage", name: "Front stage", cards: { checkout: "Card form" } }, index: 1 },
    "move a lane": { type: "moveLane", id: "backstage", index: 1 },
    "add a lane card": { type: "setLaneCard", lane: "systems", touchpoint: "size-finder", value: "Size API" },
    "change a lane card": { type: "setLaneCard", lane: "backstage", touchpoint: "instagram-ad", value: { text: "Agency", evidence: "assumed" } },
    "remove a lane card with null": { type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: null },
    "remove a lane card with an empty string": { type: "setLaneCard", lane: "backstage", touchpoint: "size-finder", value: "" },
    "a batch": {
      type: "batch",
      ops: [
        { type: "addStage", stage: { id: "returns", name: "Returns" }, index: 3 },
        { type: "moveTouchpoint", id: "checkout", stage: "returns", position: 0 },
        set(touchpoint("checkout"), "name", "Sends shoes back"),
        { type: "removeLane", id: "systems" },
      ],
    },
    "duplicate a touchpoint": duplicateTouchpoint(map, "order-placed"),
  };
  for (const stage of map.stages) ops[`remove stage ${stage.id}`] = { type: "removeStage", id: stage.id };
  for (const id of touchpointIds()) ops[`remove touchpoint ${id}`] = { type: "removeTouchpoint", id };
  for (const lane of map.lanes) ops[`remove lane ${lane.id}`] = { type: "removeLane", id: lane.id };
  return ops;
}

group("every operation and its inverse", () => {
  for (const [name, op] of Object.entries(everyOperation())) {
    test(`${name}: applying the inverse gives the fixture back, and its inverse the edit again`, () => {
      const edited = applied(map, op);
      assert.notDeepEqual(edited.doc, map, "the operation changed the map");
      const undone = applied(edited.doc, edited.inverse);
      assert.deepEqual(undone.doc, map);
      const redone = applied(undone.doc, undone.inverse);
      assert.deepEqual(redone.doc, edited.doc);
    });
  }

  test("operations are plain JSON: the op and its inverse survive a JSON round trip", () => {
    for (const op of Object.values(everyOperation())) {
      const { doc, inverse } = applied(map, JSON.parse(JSON.stringify(op)));
      assert.deepEqual(apply(doc, JSON.parse(JSON.stringify(inverse))).doc, map);
    }
  });
});

group("removing", () => {
  test("a stage takes its touchpoints and their lane cards; undo puts each back at its exact position", () => {
    // Interleave the stages' touchpoints so positions are not implied by the stage order.
    const interleaved = applied(map, { type: "moveTouchpoint", id: "size-finder", stage: "consideration", position: 1, index: 5 }).doc;
    assert.deepEqual(interleaved.touchpoints.map((each) => each.id), ["instagram-ad", "beginner-guide", "store-fitting", "checkout", "order-placed", "size-finder"]);
    const removed = applied(interleaved, { type: "removeStage", id: "consideration" });
    assert.deepEqual(removed.doc.stages.map((stage) => stage.id), ["awareness", "purchase"]);
    assert.deepEqual(removed.doc.touchpoints.map((each) => each.id), ["instagram-ad", "beginner-guide", "checkout", "order-placed"]);
    assert.equal("size-finder" in removed.doc.lanes[0].cards, false, "its lane card is gone");
    assert.equal(removed.doc.goal, "order-placed", "the goal is kept when it is elsewhere");
    const restored = applied(removed.doc, removed.inverse);
    assert.deepEqual(restored.doc, interleaved);
    assert.deepEqual(restored.doc.touchpoints.map((each) => each.id), interleaved.touchpoints.map((each) => each.id));
    assert.deepEqual(restored.doc.lanes[0].cards["size-finder"], map.lanes[0].cards["size-finder"]);
  });

  test("a stage holding the goal clears the goal, and undo sets it again", () => {
    const removed = applied(map, { type: "removeStage", id: "purchase" });
    assert.equal("goal" in removed.doc, false);
    assert.deepEqual(Object.keys(removed.doc.lanes[1].cards), [], "the systems lane had cards only in that stage");
    assert.equal(applied(removed.doc, removed.inverse).doc.goal, "order-placed");
  });

  test("a stage that is itself the goal clears the goal", () => {
    const goalIsStage = applied(map, set({ kind: "map" }, "goal", "awareness")).doc;
    const removed = applied(goalIsStage, { type: "removeStage", id: "awareness" });
    assert.equal("goal" in removed.doc, false);
    assert.deepEqual(applied(removed.doc, removed.inverse).doc, goalIsStage);
  });

  test("a touchpoint takes its cards in every lane and the goal it names", () => {
    const removed = applied(map, { type: "removeTouchpoint", id: "order-placed" });
    assert.equal("goal" in removed.doc, false);
    assert.deepEqual(Object.keys(removed.doc.lanes[0].cards), ["instagram-ad", "size-finder"]);
    assert.deepEqual(Object.keys(removed.doc.lanes[1].cards), ["checkout"]);
    assert.equal(removed.inverse.type, "batch");
    assert.deepEqual(applied(removed.doc, removed.inverse).doc, map);
  });

  test("removing every touchpoint and lane leaves the lists out, and undo brings them back", () => {
    let doc = map;
    const inverses = [];
    for (const op of [...touchpointIds().map((id) => ({ type: "removeTouchpoint", id })), ...map.lanes.map((lane) => ({ type: "removeLane", id: lane.id }))]) {
      const result = applied(doc, op);
      doc = result.doc;
      inverses.unshift(result.inverse);
    }
    assert.equal("touchpoints" in doc, false);
    assert.equal("lanes" in doc, false);
    for (const inverse of inverses) doc = applied(doc, inverse).doc;
    assert.deepEqual(doc, map);
  });
});

group("stale and refused operations are skipped", () => {
  const stale = {
    "setField of a missing touchpoint": set(touchpoint("ghost"), "name", "x"),
    "setField of a missing stage": set({ kind: "stage", id: "ghost" }, "name", "x"),
    "setField of a missing lane": set({ kind: "lane", id: "ghost" }, "name", "x"),
    "removeStage": { type: "removeStage", id: "ghost" },
    "moveStage": { type: "moveStage", id: "ghost", index: 0 },
    "removeTouchpoint": { type: "removeTouchpoint", id: "ghost" },
    "moveTouchpoint of a missing touchpoint": { type: "moveTouchpoint", id: "ghost", stage: "awareness", position: 0 },
    "moveTouchpoint to a missing stage": { type: "moveTouchpoint", id: "checkout", stage: "ghost", position: 0 },
    "addTouchpoint to a missing stage": { type: "addTouchpoint", touchpoint: { id: "new-one", name: "New", stage: "ghost", channel: "web" }, index: 0 },
    "renameId of a missing element": { type: "renameId", kind: "touchpoint", from: "ghost", to: "spirit" },
    "removeLane": { type: "removeLane", id: "ghost" },
    "moveLane": { type: "moveLane", id: "ghost", index: 0 },
    "setLaneCard on a missing lane": { type: "setLaneCard", lane: "ghost", touchpoint: "checkout", value: "x" },
    "setLaneCard for a missing touchpoint": { type: "setLaneCard", lane: "systems", touchpoint: "ghost", value: "x" },
    "a batch of stale operations": { type: "batch", ops: [{ type: "removeStage", id: "ghost" }, set(touchpoint("ghost"), "emotion", 1)] },
  };
  const refused = {
    "renameId to an invalid id": { type: "renameId", kind: "stage", from: "awareness", to: "Not Valid" },
    "renameId to a taken stage id": { type: "renameId", kind: "touchpoint", from: "checkout", to: "purchase" },
    "renameId to a taken touchpoint id": { type: "renameId", kind: "stage", from: "purchase", to: "checkout" },
    "renameId of a lane": { type: "renameId", kind: "lane", from: "systems", to: "tools" },
    "addStage with a taken id": { type: "addStage", stage: { id: "checkout", name: "Checkout" }, index: 0 },
    "addStage with an invalid id": { type: "addStage", stage: { id: "-bad-", name: "Bad" }, index: 0 },
    "addTouchpoint with a taken id": { type: "addTouchpoint", touchpoint: { id: "awareness", name: "A", stage: "awareness", channel: "web" } },
    "addLane with a taken id": { type: "addLane", lane: { id: "systems", name: "Systems" } },
    "setField of an id": set(touchpoint("checkout"), "id", "pay"),
    "setField of the stages list": set({ kind: "map" }, "stages", []),
    "setField of a lane's cards": set({ kind: "lane", id: "systems" }, "cards", {}),
    "setField removing a required name": set(touchpoint("checkout"), "name", null),
    "setField removing a touchpoint's stage": set(touchpoint("checkout"), "stage", null),
    "setField of a required name to an explicit null": { ...set(touchpoint("checkout"), "name", null), keepNull: true },
    "setField to a missing stage": set(touchpoint("checkout"), "stage", "ghost"),
    "setField of the goal to a missing element": set({ kind: "map" }, "goal", "ghost"),
    "setField of __proto__": set({ kind: "map" }, "__proto__", { polluted: true }),
    "setField of an unknown target kind": set({ kind: "persona", id: "maya" }, "name", "x"),
    "setLaneCard with a number": { type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: 4 },
    "an unknown type": { type: "paint" },
    "no type": {},
    "null": null,
    "a batch without ops": { type: "batch" },
    "setField without a target": { type: "setField", field: "name", value: "x" },
  };
  for (const [name, op] of Object.entries({ ...stale, ...refused })) {
    test(name, () => {
      const result = apply(map, op);
      assert.deepEqual(result, { doc: map, inverse: null, applied: false });
      assert.equal(result.doc, map, "the very same document");
    });
  }

  test("nothing is polluted by a __proto__ key in a value", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "text": "x"}');
    const result = applied(map, { type: "setLaneCard", lane: "systems", touchpoint: "checkout", value });
    assert.deepEqual(result.doc.lanes[1].cards.checkout, { text: "x" });
    assert.equal({}.polluted, undefined);
  });

  test("a batch applies what it can and its inverse undoes just that", () => {
    const op = { type: "batch", ops: [set(touchpoint("ghost"), "name", "x"), set(touchpoint("checkout"), "name", "Pays"), { type: "removeLane", id: "ghost" }] };
    const result = applied(map, op);
    assert.deepEqual(result.inverse, set(touchpoint("checkout"), "name", "Checks out"));
    assert.deepEqual(applied(result.doc, result.inverse).doc, map);
  });

  test("a batch's inverse is the reversed inverses", () => {
    const op = { type: "batch", ops: [set(touchpoint("checkout"), "name", "A"), set(touchpoint("checkout"), "name", "B")] };
    const result = applied(map, op);
    assert.deepEqual(result.inverse, { type: "batch", ops: [set(touchpoint("checkout"), "name", "A"), set(touchpoint("checkout"), "name", "Checks out")] });
  });

  test("batches nested too deep are refused instead of overflowing the stack", () => {
    let op = set(touchpoint("checkout"), "name", "Deep");
    for (let level = 0; level < 10000; level += 1) op = { type: "batch", ops: [op] };
    assert.equal(apply(map, op).applied, false);
    assert.deepEqual(footprint(op), []);
  });
});

group("indices and positions", () => {
  test("are clamped", () => {
    assert.deepEqual(applied(map, { type: "moveStage", id: "awareness", index: 99 }).doc.stages.map((s) => s.id), ["consideration", "purchase", "awareness"]);
    assert.deepEqual(applied(map, { type: "moveStage", id: "purchase", index: -3 }).doc.stages.map((s) => s.id), ["purchase", "awareness", "consideration"]);
    const added = (index) => applied(map, { type: "addTouchpoint", touchpoint: { id: "chat", name: "Chat", stage: "purchase", channel: "chat" }, index }).doc.touchpoints.map((t) => t.id);
    assert.equal(added(1000).at(-1), "chat");
    assert.equal(added(-1)[0], "chat");
    assert.equal(added(undefined).at(-1), "chat", "no index appends");
    assert.equal(added(2.7)[2], "chat", "fractions are truncated");
    assert.deepEqual(applied(map, { type: "moveLane", id: "backstage", index: 7 }).doc.lanes.map((l) => l.id), ["systems", "backstage"]);
  });

  test("a touchpoint moves to its position among the target stage's touchpoints", () => {
    const order = (op) => applied(map, op).doc.touchpoints.map((t) => `${t.id}@${t.stage}`);
    assert.deepEqual(order({ type: "moveTouchpoint", id: "checkout", stage: "awareness", position: 1 }),
      ["instagram-ad@awareness", "checkout@awareness", "beginner-guide@awareness", "size-finder@consideration", "store-fitting@consideration", "order-placed@purchase"]);
    assert.deepEqual(order({ type: "moveTouchpoint", id: "instagram-ad", stage: "consideration", position: 99 }),
      ["beginner-guide@awareness", "size-finder@consideration", "store-fitting@consideration", "instagram-ad@consideration", "checkout@purchase", "order-placed@purchase"]);
    assert.deepEqual(order({ type: "moveTouchpoint", id: "size-finder", stage: "consideration", position: 1 }),
      ["instagram-ad@awareness", "beginner-guide@awareness", "store-fitting@consideration", "size-finder@consideration", "checkout@purchase", "order-placed@purchase"]);
  });

  test("a touchpoint moved into an empty stage goes after the touchpoints of the stages before it", () => {
    const withStage = applied(map, { type: "addStage", stage: { id: "trial", name: "Trial" }, index: 2 }).doc;
    const moved = applied(withStage, { type: "moveTouchpoint", id: "instagram-ad", stage: "trial", position: 0 });
    assert.deepEqual(moved.doc.touchpoints.map((t) => t.id), ["beginner-guide", "size-finder", "store-fitting", "instagram-ad", "checkout", "order-placed"]);
    const first = applied(map, { type: "addStage", stage: { id: "trial", name: "Trial" }, index: 0 }).doc;
    assert.equal(applied(first, { type: "moveTouchpoint", id: "checkout", stage: "trial", position: 3 }).doc.touchpoints[0].id, "checkout");
  });
});

group("setField and lane cards", () => {
  test("values are deep-copied in", () => {
    const actions = ["Runs", { text: "Stops", evidence: "observed" }];
    const result = applied(map, set(touchpoint("checkout"), "actions", actions));
    actions[1].text = "changed afterwards";
    assert.equal(result.doc.touchpoints[4].actions[1].text, "Stops");
    const card = { text: "Warehouse", evidence: "observed" };
    const carded = applied(map, { type: "setLaneCard", lane: "systems", touchpoint: "size-finder", value: card });
    card.text = "changed";
    assert.equal(carded.doc.lanes[1].cards["size-finder"].text, "Warehouse");
  });

  test("the document given is never changed and unchanged parts are shared", () => {
    const result = applied(map, set(touchpoint("checkout"), "emotion", 2));
    assert.equal(result.doc.touchpoints[0], map.touchpoints[0]);
    assert.equal(result.doc.lanes, map.lanes);
    assert.equal(map.touchpoints[4].emotion, 0);
  });

  test("an explicit null is restored by the inverse (improves: null)", () => {
    const withNull = deepFreeze({ ...map, improves: null });
    const result = applied(withNull, set({ kind: "map" }, "improves", "first-purchase-future"));
    assert.deepEqual(result.inverse, { type: "setField", target: { kind: "map" }, field: "improves", value: null, keepNull: true });
    const undone = applied(result.doc, result.inverse).doc;
    assert.deepEqual(undone, withNull);
    assert.equal(Object.hasOwn(undone, "improves"), true);
    assert.equal("improves" in applied(result.doc, set({ kind: "map" }, "improves", null)).doc, false, "null removes the key");
  });

  test("renaming ids rewrites every reference and keeps the order of lane cards", () => {
    const stage = applied(map, { type: "renameId", kind: "stage", from: "purchase", to: "buying" }).doc;
    assert.deepEqual(stage.touchpoints.filter((t) => t.stage === "buying").map((t) => t.id), ["checkout", "order-placed"]);
    const tp = applied(map, { type: "renameId", kind: "touchpoint", from: "size-finder", to: "fit-finder" }).doc;
    assert.deepEqual(Object.keys(tp.lanes[0].cards), ["instagram-ad", "fit-finder", "order-placed"]);
    const goal = applied(map, { type: "renameId", kind: "touchpoint", from: "order-placed", to: "ordered" }).doc;
    assert.equal(goal.goal, "ordered");
    assert.deepEqual(Object.keys(goal.lanes[1].cards), ["checkout", "ordered"]);
    const stageGoal = applied(applied(map, set({ kind: "map" }, "goal", "purchase")).doc, { type: "renameId", kind: "stage", from: "purchase", to: "buying" }).doc;
    assert.equal(stageGoal.goal, "buying");
  });

  test("a lane added with cards of unknown touchpoints keeps only the known ones", () => {
    const result = applied(map, { type: "addLane", lane: { id: "data", name: "Data", cards: { checkout: "x", ghost: "y" } }, index: 0 });
    assert.deepEqual(result.doc.lanes[0].cards, { checkout: "x" });
  });
});

group("footprints and conflicts", () => {
  test("name what an operation writes", () => {
    assert.deepEqual(footprint(set(touchpoint("checkout"), "name", "x")), ["touchpoint:checkout:name"]);
    assert.deepEqual(footprint(set({ kind: "map" }, "goal", null)), ["map:goal"]);
    assert.deepEqual(footprint({ type: "addTouchpoint", touchpoint: { id: "chat" } }), ["touchpoint:chat:*"]);
    assert.deepEqual(footprint({ type: "moveStage", id: "purchase", index: 0 }), ["stage-order", "stage:purchase:position"]);
    assert.ok(footprint({ type: "moveTouchpoint", id: "checkout", stage: "awareness", position: 0 }).includes("touchpoint-order"));
    assert.deepEqual(footprint({ type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: "x" }), ["lane:systems:card:checkout"]);
    assert.deepEqual(footprint({ type: "removeStage", id: "purchase" }, map),
      ["stage:purchase:*", "touchpoint:checkout:*", "lane:*:card:checkout", "touchpoint:order-placed:*", "lane:*:card:order-placed", "map:goal"]);
    assert.deepEqual(footprint(null), []);
  });

  test("conflict when two operations write the same thing, with * covering an element", () => {
    const name = (id, value) => set(touchpoint(id), "name", value);
    assert.equal(conflicts(name("checkout", "A"), name("checkout", "B")), true);
    assert.equal(conflicts(name("checkout", "A"), name("order-placed", "B")), false);
    assert.equal(conflicts(name("checkout", "A"), set(touchpoint("checkout"), "emotion", 1)), false);
    assert.equal(conflicts(name("checkout", "A"), { type: "removeTouchpoint", id: "checkout" }), true);
    assert.equal(conflicts({ type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: "x" }, { type: "removeTouchpoint", id: "checkout" }), true);
    assert.equal(conflicts({ type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: "x" }, { type: "removeLane", id: "systems" }), true);
    assert.equal(conflicts({ type: "moveStage", id: "awareness", index: 1 }, { type: "moveStage", id: "purchase", index: 0 }), true);
    assert.equal(conflicts({ type: "moveStage", id: "awareness", index: 1 }, { type: "removeStage", id: "awareness" }), true);
    assert.equal(conflicts({ type: "addTouchpoint", touchpoint: { id: "a" } }, { type: "addTouchpoint", touchpoint: { id: "b" } }), false);
    assert.equal(conflicts({ type: "batch", ops: [name("order-placed", "x"), name("checkout", "A")] }, name("checkout", "B")), true);
  });
});

group("newId", () => {
  test("makes a valid id from a display name", () => {
    assert.equal(newId("Sees an ad"), "sees-an-ad");
    assert.equal(newId("  Crème brûlée — Café!  "), "creme-brulee-cafe");
    assert.equal(newId("Größe prüfen / Straße"), "grosse-prufen-strasse");
    assert.equal(newId("Ørsted Æble"), "orsted-aeble");
    assert.equal(newId("ﬁnd the ﬁt"), "find-the-fit");
    assert.equal(newId("Step 2: pay"), "step-2-pay");
    assert.equal(newId(""), "item");
    assert.equal(newId("!!! ???"), "item");
    assert.equal(newId("日本語"), "item");
    assert.equal(newId(undefined), "item");
  });

  test("is at most 60 characters and does not end with a dash", () => {
    const id = newId("word ".repeat(40));
    assert.ok(id.length <= 60);
    assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    const long = "x".repeat(80);
    assert.equal(newId(long).length, 60);
    assert.equal(newId(long, [newId(long)]), `${"x".repeat(58)}-2`);
  });

  test("adds -2, -3… when taken", () => {
    assert.equal(newId("Checkout", ["checkout"]), "checkout-2");
    assert.equal(newId("Checkout", new Set(["checkout", "checkout-2"])), "checkout-3");
    assert.equal(newId("", ["item"]), "item-2");
  });
});

group("duplicateTouchpoint", () => {
  test("copies the touchpoint right after the original, with its lane cards", () => {
    const op = duplicateTouchpoint(map, "order-placed");
    assert.equal(op.type, "batch");
    const result = applied(map, op);
    const ids = result.doc.touchpoints.map((t) => t.id);
    assert.deepEqual(ids.slice(-2), ["order-placed", "places-the-order-copy"]);
    const copy = result.doc.touchpoints.at(-1);
    assert.equal(copy.name, "Places the order (copy)");
    assert.deepEqual({ ...copy, id: "order-placed", name: "Places the order" }, map.touchpoints[5]);
    assert.equal(result.doc.lanes[0].cards["places-the-order-copy"], "Order goes to the warehouse system");
    assert.deepEqual(result.doc.lanes[1].cards["places-the-order-copy"], { text: "ERP creates the order", evidence: "assumed" });
    assert.equal(result.doc.goal, "order-placed", "the goal stays on the original");
  });

  test("is a single addTouchpoint without lane cards, a deep copy, and gets a free id", () => {
    const op = duplicateTouchpoint(map, "beginner-guide");
    assert.equal(op.type, "addTouchpoint");
    assert.equal(op.index, 2);
    assert.notEqual(op.touchpoint.match, map.touchpoints[1].match);
    const twice = duplicateTouchpoint(applied(map, op).doc, "beginner-guide");
    assert.equal(twice.touchpoint.id, "reads-the-beginner-guide-copy-2");
    assert.equal(duplicateTouchpoint(map, "ghost"), null);
  });
});

group("describe", () => {
  const cases = [
    [{ type: "moveTouchpoint", id: "instagram-ad", stage: "consideration", position: 0 }, "Moved “Sees an ad” to Consideration"],
    [set({ kind: "stage", id: "awareness" }, "name", "Discover"), "Renamed stage “Awareness” to “Discover”"],
    [set(touchpoint("checkout"), "name", "Pays"), "Renamed “Checks out” to “Pays”"],
    [set(touchpoint("checkout"), "pain_points", []), "Changed the pain points of “Checks out”"],
    [set(touchpoint("checkout"), "description", null), "Cleared the description of “Checks out”"],
    [set(touchpoint("checkout"), "stage", "awareness"), "Moved “Checks out” to Awareness"],
    [set({ kind: "map" }, "goal", "checkout"), "Set the map's goal to “Checks out”"],
    [set({ kind: "map" }, "objective", "More"), "Changed the map's objective"],
    [set({ kind: "map" }, "title", "First order"), "Renamed the map to “First order”"],
    [{ type: "addStage", stage: { id: "returns", name: "Returns" } }, "Added stage “Returns”"],
    [{ type: "removeStage", id: "purchase" }, "Removed stage “Purchase” and its 2 touchpoints"],
    [{ type: "moveStage", id: "purchase", index: 0 }, "Moved stage “Purchase”"],
    [{ type: "addTouchpoint", touchpoint: { id: "chat", name: "Asks chat", stage: "purchase" } }, "Added “Asks chat” to Purchase"],
    [{ type: "removeTouchpoint", id: "size-finder" }, "Removed “Uses the size finder”"],
    [{ type: "renameId", kind: "stage", from: "purchase", to: "buying" }, "Changed the id of stage “Purchase” to buying"],
    [{ type: "addLane", lane: { id: "data", name: "Data" } }, "Added lane “Data”"],
    [{ type: "removeLane", id: "systems" }, "Removed lane “Systems”"],
    [{ type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: "x" }, "Edited the Systems card of “Checks out”"],
    [{ type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: null }, "Removed the Systems card of “Checks out”"],
    [duplicateTouchpoint(map, "order-placed"), "Added “Places the order (copy)” to Purchase"],
    [{ type: "batch", ops: [{ type: "removeLane", id: "systems" }, { type: "moveStage", id: "purchase", index: 0 }] }, "Removed lane “Systems” and made 1 more change"],
    [{ type: "removeTouchpoint", id: "gone" }, "Removed “gone”"],
    [{ type: "nope" }, "Changed the map"],
  ];
  for (const [op, sentence] of cases) {
    test(sentence, () => assert.equal(describe(op, map), sentence));
  }

  test("works without a document", () => {
    assert.equal(describe({ type: "moveTouchpoint", id: "checkout", stage: "awareness" }), "Moved “checkout” to awareness");
  });
});

test("property: random operation sequences keep the map valid and undoing them all restores it (300 seeds)", () => {
  let appliedCount = 0;
  let skippedCount = 0;
  for (let seed = 1; seed <= 300; seed += 1) {
    const random = prng(seed);
    let doc = map;
    const steps = [];
    const length = 1 + Math.floor(random() * 15);
    for (let step = 0; step < length; step += 1) {
      const op = randomOp(doc, random);
      const result = apply(doc, op);
      if (!result.applied) {
        assert.equal(result.doc, doc, `seed ${seed}: a skipped operation leaves the document`);
        skippedCount += 1;
        continue;
      }
      appliedCount += 1;
      assertValid(result.doc);
      steps.push({ before: doc, inverse: result.inverse, op });
      doc = deepFreeze(result.doc);
    }
    const after = doc;
    for (const { before, inverse } of [...steps].reverse()) {
      const undone = apply(doc, inverse);
      assert.equal(undone.applied, true, `seed ${seed}: the inverse applies`);
      assert.deepEqual(undone.doc, before, `seed ${seed}: undoing ${JSON.stringify(inverse)}`);
      doc = deepFreeze(undone.doc);
    }
    assert.deepEqual(doc, map, `seed ${seed}: everything undone`);
    for (const { op } of steps) doc = deepFreeze(apply(doc, op).doc);
    assert.deepEqual(doc, after, `seed ${seed}: everything redone`);
  }
  assert.ok(appliedCount > 1500 && skippedCount > 100, `a real mix: ${appliedCount} applied, ${skippedCount} skipped`);
});
