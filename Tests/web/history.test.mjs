import assert from "node:assert/strict";
import { test } from "node:test";
import { apply } from "../../Sources/WayfinderServer/Resources/web/editor/operations.js";
import { History } from "../../Sources/WayfinderServer/Resources/web/editor/history.js";
import { assertValid, deepFreeze, loadFixture, prng, randomOp } from "./support.mjs";

const map = loadFixture();
const name = (id, value) => ({ type: "setField", target: { kind: "touchpoint", id }, field: "name", value });

/** A clock the test moves by hand. */
function clock(start = 0) {
  let time = start;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

/** Applies an op, records it in the history and returns the new document. */
function edit(history, doc, op) {
  const result = apply(doc, op);
  assert.equal(result.applied, true);
  history.record(op, result.inverse);
  return deepFreeze(result.doc);
}

test("undo and redo walk back and forth through the edits", () => {
  const time = clock();
  const history = new History({ now: time.now });
  assert.equal(history.canUndo, false);
  let doc = map;
  doc = edit(history, doc, name("checkout", "Pays"));
  time.advance(5000);
  doc = edit(history, doc, { type: "removeStage", id: "consideration" });
  const edited = doc;
  assert.equal(history.canUndo, true);
  assert.equal(history.canRedo, false);

  let step = history.undo(doc);
  assert.equal(step.op.type, "batch", "the operation applied is the stage's restore (to send to the server)");
  assert.deepEqual(step.undone, { type: "removeStage", id: "consideration" });
  doc = step.doc;
  step = history.undo(doc);
  doc = step.doc;
  assert.deepEqual(doc, map);
  assert.equal(history.canUndo, false);
  assert.equal(history.canRedo, true);
  assert.deepEqual(history.undo(doc), { doc, op: null }, "nothing more to undo");

  doc = history.redo(doc).doc;
  doc = history.redo(doc).doc;
  assert.deepEqual(doc, edited);
  assert.equal(history.canRedo, false);
  assert.deepEqual(history.redo(doc), { doc, op: null });
  doc = history.undo(doc).doc;
  assert.equal(doc.stages.length, 3, "undo after redo works again");
});

test("a new edit clears what could be redone", () => {
  const history = new History();
  let doc = edit(history, map, name("checkout", "Pays"));
  doc = history.undo(doc).doc;
  assert.equal(history.canRedo, true);
  edit(history, doc, name("order-placed", "Orders"));
  assert.equal(history.canRedo, false);
  history.record(name("checkout", "x"), name("checkout", "y"));
  history.clearRedo();
  assert.equal(history.canRedo, false);
});

test("at most 500 entries are kept, the oldest dropped", () => {
  const time = clock();
  const history = new History({ now: time.now });
  let doc = map;
  for (let count = 0; count < 520; count += 1) {
    doc = edit(history, doc, { type: "setField", target: { kind: "touchpoint", id: "checkout" }, field: "emotion", value: count % 5 - 2 });
    time.advance(2000);
  }
  assert.equal(history.entries.length, 500);
  let undone = 0;
  while (history.canUndo) {
    doc = history.undo(doc).doc;
    undone += 1;
  }
  assert.equal(undone, 500);
  assert.equal(doc.touchpoints[4].emotion, 19 % 5 - 2, "back to the value the 20th edit set: the first 20 entries were dropped");
  const small = new History({ limit: 3, now: time.now });
  for (const value of ["A", "B", "C", "D", "E"]) {
    small.record(name("checkout", value), name("checkout", "before"));
    time.advance(2000);
  }
  assert.deepEqual(small.entries.map((op) => op.value), ["C", "D", "E"]);
});

test("typing in one field within a second is one undo step", () => {
  const time = clock();
  const history = new History({ now: time.now });
  let doc = map;
  for (const value of ["P", "Pa", "Pay", "Pays"]) {
    doc = edit(history, doc, name("checkout", value));
    time.advance(400);
  }
  assert.equal(history.entries.length, 1);
  assert.deepEqual(history.entries[0], name("checkout", "Pays"), "the entry is the last value");
  doc = history.undo(doc).doc;
  assert.deepEqual(doc, map, "one undo restores the name before typing");
  doc = history.redo(doc).doc;
  assert.equal(doc.touchpoints[4].name, "Pays");
});

test("only the same field of the same target, within a second of the previous keystroke, is merged", () => {
  const time = clock();
  const history = new History({ now: time.now });
  let doc = map;
  doc = edit(history, doc, name("checkout", "A"));
  time.advance(1001);
  doc = edit(history, doc, name("checkout", "AB"));
  time.advance(10);
  doc = edit(history, doc, name("order-placed", "C"));
  time.advance(10);
  doc = edit(history, doc, { type: "setField", target: { kind: "touchpoint", id: "order-placed" }, field: "description", value: "D" });
  time.advance(10);
  doc = edit(history, doc, { type: "setField", target: { kind: "stage", id: "purchase" }, field: "description", value: "E" });
  time.advance(10);
  doc = edit(history, doc, { type: "setField", target: { kind: "map" }, field: "objective", value: "F" });
  time.advance(10);
  doc = edit(history, doc, { type: "setField", target: { kind: "map" }, field: "objective", value: "FG" });
  assert.equal(history.entries.length, 6);
  while (history.canUndo) doc = history.undo(doc).doc;
  assert.deepEqual(doc, map);
});

test("an undo ends the merging: typing again after undo is a new step", () => {
  const time = clock();
  const history = new History({ now: time.now });
  let doc = edit(history, map, name("order-placed", "Orders"));
  time.advance(100);
  doc = edit(history, doc, name("checkout", "P"));
  doc = history.undo(doc).doc;
  time.advance(100);
  doc = edit(history, doc, name("order-placed", "Orders!"));
  assert.equal(history.entries.length, 2);
  doc = history.undo(doc).doc;
  assert.equal(doc.touchpoints[5].name, "Orders");
});

test("an undo whose target a colleague deleted is skipped, says so, and the next undo still works", () => {
  const time = clock();
  const history = new History({ now: time.now });
  let doc = edit(history, map, name("order-placed", "Orders"));
  time.advance(2000);
  doc = edit(history, doc, name("checkout", "Pays"));
  doc = apply(doc, { type: "removeTouchpoint", id: "checkout" }).doc; // a colleague's edit
  const skipped = history.undo(doc);
  assert.equal(skipped.skipped, true);
  assert.equal(skipped.doc, doc, "the document is unchanged");
  assert.deepEqual(skipped.undone, name("checkout", "Pays"));
  assert.equal(history.canRedo, false, "a skipped undo cannot be redone");
  const next = history.undo(doc);
  assert.equal(next.skipped, undefined);
  assert.equal(next.doc.touchpoints.find((t) => t.id === "order-placed").name, "Places the order");
});

test("a redo whose target a colleague deleted is skipped too", () => {
  const history = new History();
  let doc = edit(history, map, name("checkout", "Pays"));
  doc = history.undo(doc).doc;
  doc = apply(doc, { type: "removeStage", id: "purchase" }).doc;
  const result = history.redo(doc);
  assert.equal(result.skipped, true);
  assert.equal(result.doc, doc);
  assert.equal(history.canRedo, false);
});

test("nothing is recorded for an operation that did not apply", () => {
  const history = new History();
  const result = apply(map, name("ghost", "x"));
  history.record(name("ghost", "x"), result.inverse);
  assert.equal(history.canUndo, false);
});

test("property: random edits undone one by one restore the map, and redone give the edits again (200 seeds)", () => {
  for (let seed = 1; seed <= 200; seed += 1) {
    const random = prng(seed);
    const time = clock();
    const history = new History({ now: time.now });
    let doc = map;
    for (let step = 0; step < 12; step += 1) {
      const op = randomOp(doc, random);
      const result = apply(doc, op);
      history.record(op, result.inverse);
      doc = deepFreeze(result.doc);
      time.advance(random() < 0.5 ? 300 : 3000);
    }
    const edited = doc;
    while (history.canUndo) {
      const step = history.undo(doc);
      assert.notEqual(step.skipped, true, `seed ${seed}: nothing else changed the map, so every undo applies`);
      doc = deepFreeze(step.doc);
      assertValid(doc);
    }
    assert.deepEqual(doc, map, `seed ${seed}`);
    while (history.canRedo) doc = deepFreeze(history.redo(doc).doc);
    assert.deepEqual(doc, edited, `seed ${seed}`);
  }
});
