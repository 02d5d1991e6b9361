// Convergence of concurrent edits of one map. The server relays every operation with a sequence number;
// each browser applies them in that order to `confirmed`, and shows `confirmed` with its own operations
// that are not echoed back yet (`pending`) applied on top. Every browser applies the same operations in
// the same order, so all end with the same document; where two edits collide, the later one wins.

import { apply, describe, footprint, overlap } from "./operations.js";

/** How many of this client's confirmed operations are remembered for telling that one was overwritten. */
const REMEMBERED = 500;

/**
 * The shared document of one map as this browser sees it.
 * `local(op)` shows an edit at once and gives the message to send; `receive(message)` takes every relayed
 * operation (colleagues' and the echoes of its own) in sequence order and reports this client's edits that
 * a colleague's later operation overwrote or made impossible.
 */
export class Sequence {
  #confirmed;
  #seq;
  #shown;
  #client;
  #nextOpId = 1;
  /** Own operations sent and not echoed yet: {op, opId, base, description, applies, reported}. */
  #pending = [];
  /** Own confirmed operations: {seq, op, opId, description, footprint}. */
  #mine = [];

  /**
   * @param {object} doc the map as of sequence number `seq`
   * @param {number} seq
   * @param {{client?: string}} [options] this browser's id in relayed messages (random by default)
   */
  constructor(doc, seq = 0, { client } = {}) {
    this.#confirmed = doc;
    this.#shown = doc;
    this.#seq = seq;
    this.#client = client ?? randomClientId();
  }

  /** The document shown: `confirmed` with the pending own operations applied. */
  get shown() {
    return this.#shown;
  }

  /** The document after every relayed operation up to `seq`. */
  get confirmed() {
    return this.#confirmed;
  }

  /** The sequence number of the last relayed operation applied. */
  get seq() {
    return this.#seq;
  }

  /** This browser's client id. */
  get client() {
    return this.#client;
  }

  /** How many own operations are sent and not echoed back yet. */
  get pendingCount() {
    return this.#pending.length;
  }

  /**
   * Applies an own operation to the shown document and queues it as pending. Returns the new shown
   * document, the inverse (for the undo history) and the message to send to the server,
   * `{op, base, client, opId}`; nothing is queued or sent when the operation does not apply.
   * @param {object} op
   * @returns {{doc: object, applied: boolean, inverse: object | null, message: object | null}}
   */
  local(op) {
    const result = apply(this.#shown, op);
    if (!result.applied) return { doc: this.#shown, applied: false, inverse: null, message: null };
    const message = { op: structuredClone(op), base: this.#seq, client: this.#client, opId: String(this.#nextOpId++) };
    this.#pending.push({
      op: message.op, opId: message.opId, base: message.base,
      description: describe(op, this.#shown), applies: true, reported: false,
    });
    this.#shown = result.doc;
    return { doc: this.#shown, applied: true, inverse: result.inverse, message };
  }

  /**
   * Applies a relayed operation to `confirmed`; messages at or below `seq` (repeats) are ignored. An echo
   * of an own operation leaves the pending queue. Returns the shown document and `lost`: own operations a
   * colleague's operation undid, each `{op, opId, description, reason, by, byOp, seq}` where `reason` is
   * "overwritten" (a later operation, made without having seen it, wrote the same thing) or "skipped"
   * (a colleague's operation removed what it edited before it reached the server; a removal of what the
   * colleague removed too is not reported).
   * @param {{seq: number, op: object, author?: string, base?: number, client?: string, opId?: string}} message
   * @returns {{doc: object, lost: object[]}}
   */
  receive({ seq, op, author, base, client, opId }) {
    if (!(typeof seq === "number" && seq > this.#seq)) return { doc: this.#shown, lost: [] };
    const before = this.#confirmed;
    const result = apply(before, op);
    const written = footprint(op, before);
    this.#confirmed = result.doc;
    this.#seq = seq;
    const own = client === this.#client;
    const lost = [];
    const loss = (entry, reason) => ({
      op: entry.op, opId: entry.opId, description: entry.description, reason,
      by: own ? null : author ?? null, byOp: own ? null : op, seq,
    });

    if (own) {
      const index = this.#pending.findIndex((entry) => entry.opId === opId);
      const entry = index >= 0 ? this.#pending.splice(index, 1)[0] : null;
      if (result.applied) {
        this.#remember({ seq, op, opId, description: entry?.description ?? describe(op, before), footprint: written });
      } else if (entry && !entry.reported) {
        lost.push(loss(entry, "skipped"));
      }
    } else if (result.applied && typeof base === "number") {
      const overwritten = this.#mine.filter((entry) => entry.seq > base && overlap(entry.footprint, written));
      for (const entry of overwritten) lost.push(loss(entry, "overwritten"));
      this.#mine = this.#mine.filter((entry) => !overwritten.includes(entry));
    }

    let shown = this.#confirmed;
    for (const entry of this.#pending) {
      const replayed = apply(shown, entry.op);
      if (replayed.applied) shown = replayed.doc;
      else if (entry.applies && !entry.reported) {
        entry.reported = true;
        if (!removedAlready(entry.op, written)) lost.push(loss(entry, "skipped"));
      }
      entry.applies = replayed.applied;
    }
    this.#shown = shown;
    return { doc: shown, lost };
  }

  #remember(entry) {
    this.#mine.push(entry);
    if (this.#mine.length > REMEMBERED) this.#mine.shift();
  }
}

/** True when `op` removes an element that `written` (another operation's footprint) removed as well: nothing is lost. */
function removedAlready(op, written) {
  const kind = { removeStage: "stage", removeTouchpoint: "touchpoint", removeLane: "lane" }[op?.type];
  return kind !== undefined && written.includes(`${kind}:${op.id}:*`);
}

function randomClientId() {
  return globalThis.crypto?.randomUUID?.() ?? `client-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
}
