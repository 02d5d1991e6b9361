// Undo and redo of the map editor: a stack of applied operations with the operations that undo them.

import { apply } from "./operations.js";

const LIMIT = 500;
const COALESCE_MS = 1000;

/**
 * The undo/redo history of one editing session. Each entry is an operation with its inverse (from
 * `apply`). Consecutive `setField`s of the same target and field less than a second apart are one entry,
 * so typing in a text box is one undo step. Undo applies the inverse to the document it is given, which
 * may hold colleagues' changes since; an inverse whose target they deleted is skipped and reported.
 */
export class History {
  #undo = [];
  #redo = [];
  #limit;
  #coalesceMs;
  #now;
  /** The entry the next record may merge into; none after an undo or redo. */
  #open = null;

  /**
   * @param {{limit?: number, coalesceMs?: number, now?: () => number}} [options]
   *   at most `limit` entries (500), merge window `coalesceMs` (1000), clock `now` (Date.now).
   */
  constructor({ limit = LIMIT, coalesceMs = COALESCE_MS, now = Date.now } = {}) {
    this.#limit = limit;
    this.#coalesceMs = coalesceMs;
    this.#now = now;
  }

  /**
   * Records an applied operation and its inverse and clears the redo stack. A `setField` of the same
   * target and field as the previous record, within the merge window, extends that entry instead.
   * @param {object} op
   * @param {object | null} inverse nothing is recorded without one (the operation was not applied)
   */
  record(op, inverse) {
    if (!op || !inverse) return;
    const time = this.#now();
    this.clearRedo();
    const open = this.#open;
    if (open && time - open.time <= this.#coalesceMs && sameField(open.op, op)) {
      open.op = op;
      open.time = time;
      return;
    }
    const entry = { op, inverse, time };
    this.#undo.push(entry);
    if (this.#undo.length > this.#limit) this.#undo.shift();
    this.#open = entry;
  }

  /**
   * Undoes the latest entry on `doc`. Returns the new document and the operation applied (to send to the
   * server), `undone` the operation it took back; `skipped: true` (and the same document) when the
   * inverse no longer applies, e.g. a colleague deleted its target. `op` is null when there is nothing to undo.
   * @param {object} doc
   * @returns {{doc: object, op: object | null, undone?: object, skipped?: boolean}}
   */
  undo(doc) {
    this.#open = null;
    const entry = this.#undo.pop();
    if (!entry) return { doc, op: null };
    const result = apply(doc, entry.inverse);
    if (!result.applied) return { doc, op: entry.inverse, undone: entry.op, skipped: true };
    this.#redo.push({ op: result.inverse });
    return { doc: result.doc, op: entry.inverse, undone: entry.op };
  }

  /**
   * Redoes the latest undone entry on `doc`; the same answer as `undo` (`redone` instead of `undone`).
   * @param {object} doc
   * @returns {{doc: object, op: object | null, skipped?: boolean}}
   */
  redo(doc) {
    this.#open = null;
    const entry = this.#redo.pop();
    if (!entry) return { doc, op: null };
    const result = apply(doc, entry.op);
    if (!result.applied) return { doc, op: entry.op, skipped: true };
    this.#undo.push({ op: entry.op, inverse: result.inverse, time: -Infinity });
    if (this.#undo.length > this.#limit) this.#undo.shift();
    return { doc: result.doc, op: entry.op, redone: entry.op };
  }

  /** True when there is an entry to undo. */
  get canUndo() {
    return this.#undo.length > 0;
  }

  /** True when there is an undone entry to redo. */
  get canRedo() {
    return this.#redo.length > 0;
  }

  /** The operations that can be undone, oldest first (for the history list). */
  get entries() {
    return this.#undo.map((entry) => entry.op);
  }

  /** Forgets what could be redone (a new edit was made). */
  clearRedo() {
    this.#redo = [];
  }
}

function sameField(previous, next) {
  if (previous?.type !== "setField" || next?.type !== "setField" || previous.field !== next.field) return false;
  const [a, b] = [previous.target, next.target];
  return a?.kind === b?.kind && (a?.kind === "map" || a?.id === b?.id);
}
