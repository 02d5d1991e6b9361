import assert from "node:assert/strict";
import { test } from "node:test";
import { apply } from "../../Sources/WayfinderServer/Resources/web/editor/operations.js";
import { cardMoves, cardMovesBetween, laneMoves } from "../../Sources/WayfinderServer/Resources/web/editor/anchors.js";
import { deepFreeze, loadFixture, prng } from "./support.mjs";

const map = loadFixture();
const painPoints = (doc, id) => doc.touchpoints.find((t) => t.id === id).pain_points ?? [];
const setPains = (id, value) => ({ type: "setField", target: { kind: "touchpoint", id }, field: "pain_points", value });
const pain = (text) => ({ text, severity: "low" });

/** A map whose touchpoint `size-finder` has the given pain points. */
function withPains(items) {
  const result = apply(map, setPains("size-finder", items));
  assert.equal(result.applied, true);
  return deepFreeze(result.doc);
}

test("inserting a pain point above a card moves its threads down by one, and those above stay", () => {
  const doc = withPains([pain("a"), pain("b"), pain("c")]);
  const moves = cardMoves(doc, setPains("size-finder", [pain("a"), pain("new"), pain("b"), pain("c")]));
  assert.deepEqual(moves, [
    { from: "touchpoint:size-finder/lane:pain_points/1", to: "touchpoint:size-finder/lane:pain_points/2" },
    { from: "touchpoint:size-finder/lane:pain_points/2", to: "touchpoint:size-finder/lane:pain_points/3" },
  ]);
});

test("deleting a card sends its threads to the removed address and moves those below up", () => {
  const doc = withPains([pain("a"), pain("b"), pain("c")]);
  const moves = cardMoves(doc, setPains("size-finder", [pain("a"), pain("c")]));
  assert.deepEqual(moves, [
    { from: "touchpoint:size-finder/lane:pain_points/1", to: "touchpoint:size-finder/lane:pain_points/removed" },
    { from: "touchpoint:size-finder/lane:pain_points/2", to: "touchpoint:size-finder/lane:pain_points/1" },
  ]);
});

test("a swap is two moves, and typing in a card moves nothing", () => {
  const doc = withPains([pain("a"), pain("b"), pain("c")]);
  assert.deepEqual(cardMoves(doc, setPains("size-finder", [pain("b"), pain("a"), pain("c")])), [
    { from: "touchpoint:size-finder/lane:pain_points/0", to: "touchpoint:size-finder/lane:pain_points/1" },
    { from: "touchpoint:size-finder/lane:pain_points/1", to: "touchpoint:size-finder/lane:pain_points/0" },
  ]);
  assert.deepEqual(cardMoves(doc, setPains("size-finder", [pain("a"), pain("b, typed on"), pain("c")])), []);
  // An edit that makes a card read like its neighbour is still an edit in place.
  assert.deepEqual(cardMoves(doc, setPains("size-finder", [pain("a"), pain("c"), pain("c")])), []);
});

test("a plain string and the same text as an object are the same card", () => {
  assert.deepEqual(laneMoves(["x", { text: "y", evidence: "observed" }], [{ text: "x" }, { evidence: "observed", text: "y" }]), [0, 1]);
});

test("removing a whole lane removes its cards; removing or renaming a touchpoint, or editing a free lane, moves nothing", () => {
  const doc = withPains([pain("a"), pain("b")]);
  assert.deepEqual(cardMoves(doc, setPains("size-finder", null)).map((m) => m.to), [
    "touchpoint:size-finder/lane:pain_points/removed", "touchpoint:size-finder/lane:pain_points/removed"]);
  assert.deepEqual(cardMoves(doc, { type: "removeTouchpoint", id: "size-finder" }), []);
  assert.deepEqual(cardMoves(doc, { type: "renameId", kind: "touchpoint", from: "size-finder", to: "sizes" }), []);
  assert.deepEqual(cardMoves(doc, { type: "setLaneCard", lane: "backstage", touchpoint: "size-finder", value: "New" }), []);
  assert.deepEqual(cardMoves(doc, { type: "moveTouchpoint", id: "size-finder", stage: doc.touchpoints[0].stage, position: 0 }), []);
  assert.deepEqual(cardMoves(doc, { type: "removeTouchpoint", id: "no-such-touchpoint" }), []);
});

test("a batch's moves compose: insert at the top, then delete the old first card", () => {
  const doc = withPains([pain("a"), pain("b")]);
  const op = { type: "batch", ops: [setPains("size-finder", [pain("z"), pain("a"), pain("b")]), setPains("size-finder", [pain("z"), pain("b")])] };
  assert.deepEqual(cardMoves(doc, op), [
    { from: "touchpoint:size-finder/lane:pain_points/0", to: "touchpoint:size-finder/lane:pain_points/removed" },
  ]);
});

test("undoing a delete brings the cards below back to where they were", () => {
  const doc = withPains([pain("a"), pain("b"), pain("c")]);
  const removed = apply(doc, setPains("size-finder", [pain("b"), pain("c")]));
  const back = cardMoves(removed.doc, removed.inverse);
  assert.deepEqual(back, [
    { from: "touchpoint:size-finder/lane:pain_points/0", to: "touchpoint:size-finder/lane:pain_points/1" },
    { from: "touchpoint:size-finder/lane:pain_points/1", to: "touchpoint:size-finder/lane:pain_points/2" },
  ]);
});

/** Applies moves to a set of thread addresses all at once, as the server does. */
function follow(threads, moves) {
  const to = new Map(moves.map((move) => [move.from, move.to]));
  return threads.map((address) => to.get(address) ?? address);
}

test("random inserts, deletes, reorders and edits: every thread ends on the card it was on (tags planted in each card)", () => {
  const random = prng(20261206);
  let serial = 0;
  const fresh = () => ({ text: `card ${serial}`, source: `tag-${serial++}` });
  let doc = withPains(Array.from({ length: 4 }, fresh));
  // One thread on each card, remembered by the card's planted tag.
  let threads = painPoints(doc, "size-finder").map((_, index) => `touchpoint:size-finder/lane:pain_points/${index}`);
  let tags = painPoints(doc, "size-finder").map((card) => card.source);
  for (let step = 0; step < 400; step += 1) {
    const items = [...painPoints(doc, "size-finder")];
    const roll = random();
    if (roll < 0.3 || items.length === 0) items.splice(Math.floor(random() * (items.length + 1)), 0, fresh());
    else if (roll < 0.5) items.splice(Math.floor(random() * items.length), 1);
    else if (roll < 0.75 && items.length > 1) {
      const [card] = items.splice(Math.floor(random() * items.length), 1);
      items.splice(Math.floor(random() * (items.length + 1)), 0, card);
    } else {
      const at = Math.floor(random() * items.length);
      items[at] = { ...items[at], text: `${items[at].text}!` };
    }
    const op = setPains("size-finder", items.length ? items : null);
    const moves = cardMoves(doc, op);
    doc = deepFreeze(apply(doc, op).doc);
    threads = follow(threads, moves);
    // The recount: where each thread's tagged card is now, found by its tag.
    const now = painPoints(doc, "size-finder").map((card) => card.source);
    threads.forEach((address, thread) => {
      const where = now.indexOf(tags[thread]);
      const expected = where < 0 ? "touchpoint:size-finder/lane:pain_points/removed" : `touchpoint:size-finder/lane:pain_points/${where}`;
      assert.equal(address, expected, `step ${step}: the thread on ${tags[thread]}`);
    });
    // A new thread on each new card, so the threads keep covering the lane.
    now.forEach((tag, index) => {
      if (!tags.includes(tag)) { tags = [...tags, tag]; threads = [...threads, `touchpoint:size-finder/lane:pain_points/${index}`]; }
    });
  }
});

test("cardMovesBetween ignores what is not a map", () => {
  assert.deepEqual(cardMovesBetween(null, map), []);
  assert.deepEqual(cardMovesBetween(map, { touchpoints: "no" }), []);
});
