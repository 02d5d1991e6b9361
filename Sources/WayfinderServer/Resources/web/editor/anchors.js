// Where comment threads on cards go when an edit changes a lane: pure functions over the journey-as-code
// JSON. A card's thread is addressed by position (`touchpoint:ID/lane:LANE/INDEX`), so inserting,
// deleting or reordering the items of a lane must move the threads with their cards; a deleted card's
// threads go to `touchpoint:ID/lane:LANE/removed`, where they stay visible.

import { apply } from "./operations.js";

/** The lanes of a touchpoint that hold lists of cards, by their journey-as-code keys. */
export const CARD_LANES = ["actions", "thoughts", "questions", "pain_points", "opportunities", "kpis"];

/** The address of a card. */
export function cardAddress(touchpoint, lane, index) {
  return `touchpoint:${touchpoint}/lane:${lane}/${index}`;
}

/** The address the threads of a deleted card of `lane` of `touchpoint` go to. */
export function removedAddress(touchpoint, lane) {
  return `touchpoint:${touchpoint}/lane:${lane}/removed`;
}

/**
 * Which old card of a lane is which new one: `result[i]` is the new position of the card that was at
 * `i`, or -1 when it was deleted. Cards kept at the start and end stay; in between, a card found again
 * with the same content moved there (a reorder), and the rest are paired in order (an edit in place),
 * the old ones left over having been deleted.
 * @param {Array} before the lane's items before the edit
 * @param {Array} after the lane's items after it
 * @returns {number[]}
 */
export function laneMoves(before, after) {
  const old = Array.isArray(before) ? before.map(key) : [];
  const now = Array.isArray(after) ? after.map(key) : [];
  const result = old.map(() => -1);
  let prefix = 0;
  while (prefix < old.length && prefix < now.length && old[prefix] === now[prefix]) {
    result[prefix] = prefix;
    prefix += 1;
  }
  let suffix = 0;
  while (suffix < old.length - prefix && suffix < now.length - prefix && old[old.length - 1 - suffix] === now[now.length - 1 - suffix]) {
    result[old.length - 1 - suffix] = now.length - 1 - suffix;
    suffix += 1;
  }
  const taken = new Set();
  const oldMiddle = [];
  for (let at = prefix; at < old.length - suffix; at += 1) oldMiddle.push(at);
  const newMiddle = [];
  for (let at = prefix; at < now.length - suffix; at += 1) newMiddle.push(at);
  const unmatched = [];
  for (const at of oldMiddle) {
    const found = newMiddle.find((candidate) => !taken.has(candidate) && now[candidate] === old[at]);
    if (found === undefined) unmatched.push(at);
    else { result[at] = found; taken.add(found); }
  }
  const free = newMiddle.filter((candidate) => !taken.has(candidate));
  unmatched.forEach((at, order) => { if (order < free.length) result[at] = free[order]; });
  return result;
}

/**
 * The thread moves an edit makes between two versions of a map: `[{from, to}]`, one for each card of a
 * built-in lane whose position changed or which was deleted (`to` then ends in `/removed`), for the
 * touchpoints in both. Free lanes hold one card per touchpoint and need no moves; a removed or renamed
 * touchpoint keeps its threads' addresses (a rename is followed on its own).
 * @param {object} before
 * @param {object} after
 * @returns {{from: string, to: string}[]}
 */
export function cardMovesBetween(before, after) {
  const moves = [];
  const next = new Map((Array.isArray(after?.touchpoints) ? after.touchpoints : []).map((touchpoint) => [touchpoint?.id, touchpoint]));
  for (const touchpoint of Array.isArray(before?.touchpoints) ? before.touchpoints : []) {
    const changed = next.get(touchpoint?.id);
    if (!changed || changed === touchpoint) continue;
    for (const lane of CARD_LANES) {
      if (changed[lane] === touchpoint[lane]) continue;
      laneMoves(touchpoint[lane], changed[lane]).forEach((to, from) => {
        if (to === from) return;
        moves.push({ from: cardAddress(touchpoint.id, lane, from), to: to < 0 ? removedAddress(touchpoint.id, lane) : cardAddress(touchpoint.id, lane, to) });
      });
    }
  }
  return moves;
}

/**
 * The thread moves of one operation applied to `doc`; none when it does not apply. A batch's steps are
 * followed one by one and their moves composed, so that an insert then a delete is not taken for an edit.
 * @param {object} doc the map the operation is applied to
 * @param {object} op
 */
export function cardMoves(doc, op) {
  const where = new Map();
  follow(doc, op, where, 0);
  return [...where].filter(([from, to]) => from !== to).map(([from, to]) => ({ from, to }));
}

const MAX_DEPTH = 32;

/** Applies `op` to `doc`, updating `where` (first address → address now) with the moves it makes; returns the new document. */
function follow(doc, op, where, depth) {
  if (op?.type === "batch" && Array.isArray(op.ops) && depth < MAX_DEPTH) {
    let current = doc;
    for (const step of op.ops) current = follow(current, step, where, depth + 1);
    return current;
  }
  const result = apply(doc, op);
  if (!result.applied) return doc;
  const moves = new Map(cardMovesBetween(doc, result.doc).map((move) => [move.from, move.to]));
  const moved = new Set();
  for (const [first, now] of where) {
    if (moves.has(now)) { where.set(first, moves.get(now)); moved.add(now); }
  }
  for (const [from, to] of moves) if (!moved.has(from)) where.set(from, to);
  return result.doc;
}

/** A card's content as one string, a plain string and `{text}` alike. */
function key(item) {
  const value = typeof item === "string" ? { text: item } : item;
  return JSON.stringify(value, value && typeof value === "object" ? Object.keys(value).sort() : undefined);
}
