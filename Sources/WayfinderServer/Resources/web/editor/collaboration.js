/**
 * Editing a map together: the edits of everyone in the room applied in the server's order
 * (`Sequence`), who is here and what they have selected, and which browser saves. The page
 * asks it to make its own edits (`local`) and hears about the document, the people, lost
 * edits and saves through callbacks.
 */
import { apply } from './operations.js';
import { Sequence } from './sequence.js';
import { connectLive } from './live.js';

export class LiveSession {
  #connection;
  #handlers;
  #sequence = null;
  /** Every relayed edit since the last save: replayed on a newer version after a save conflict. */
  #sinceSave = [];
  #savedSeq = 0;
  #client = null;
  #saver = null;
  #members = [];
  /** Messages are handled one after the other, a welcome's loading included. */
  #queue = Promise.resolve();

  /**
   * @param {{workspace: string, map: string, load: () => Promise<{map: object, current_version: number}>,
   *   onDoc: (doc: object, why: string) => void, onMembers: (members: object[], me: string|null) => void,
   *   onLost: (lost: object[]) => void, onSaved: (version: number, by: string) => void, onState: (state: string) => void,
   *   current: () => {doc: object, version: number}}} handlers
   */
  constructor(handlers) {
    this.#handlers = handlers;
    this.#connection = connectLive({
      workspace: handlers.workspace, map: handlers.map,
      onMessage: (message) => { this.#queue = this.#queue.then(() => this.#receive(message)).catch(() => {}); },
      onState: (state) => {
        if (state === 'closed') { this.#sequence = null; this.#members = []; handlers.onMembers([], null); }
        handlers.onState(state);
      },
    });
  }

  /** Whether edits go through the room (the connection is open and welcomed). */
  get active() { return this.#sequence !== null && this.#connection.isOpen; }
  /** Whether this browser saves for the room. */
  get isSaver() { return this.active && this.#saver === this.#client; }
  /** The document with every relayed edit, without this browser's unconfirmed ones. */
  get confirmed() { return this.#sequence?.confirmed ?? null; }
  /** The document shown here: `confirmed` with this browser's unconfirmed edits. */
  get shown() { return this.#sequence?.shown ?? null; }
  /** The sequence number `confirmed` reaches. */
  get seq() { return this.#sequence?.seq ?? 0; }
  /** Whether there are relayed edits not saved yet. */
  get unsaved() { return this.active && this.#sequence.seq > this.#savedSeq; }

  /** Shows an own edit at once and sends it; `{doc, applied}`. */
  local(op) {
    const result = this.#sequence.local(op);
    if (result.applied) this.#connection.send({ type: 'op', ...result.message });
    return result;
  }

  /** Tells the room what this person has selected. */
  select(selection) {
    this.#connection.send({ type: 'presence', selection });
  }

  /** The saver saved `version`, reaching `seq`; `rebased` when it was put on a version saved elsewhere. */
  saved(version, seq, rebased = false) {
    this.#savedSeq = seq;
    this.#sinceSave = this.#sinceSave.filter((entry) => entry.seq > seq);
    this.#connection.send({ type: 'saved', version, seq, rebased });
  }

  /** After a save conflict: the newer version with every relayed edit since the last save on top; the document to save. */
  rebase(doc) {
    let rebuilt = doc;
    for (const entry of this.#sinceSave) {
      const result = apply(rebuilt, entry.op);
      if (result.applied) rebuilt = result.doc;
    }
    this.#sequence = new Sequence(rebuilt, this.#sequence.seq, { client: this.#client });
    return rebuilt;
  }

  /** The whole map was replaced (a restore) by `version`: everyone, this browser too, starts again from it. */
  reloadAll(version) {
    return this.#connection.send({ type: 'reload', version });
  }

  close() { this.#connection.close(); }

  async #receive(message) {
    const handlers = this.#handlers;
    switch (message.type) {
      case 'welcome': {
        this.#client = message.client;
        let { doc, version } = handlers.current();
        if (version !== message.saved_version) {
          const latest = await handlers.load();
          doc = latest.map;
          version = latest.current_version;
        }
        this.#sequence = new Sequence(doc, message.saved_seq, { client: message.client });
        this.#savedSeq = message.saved_seq;
        this.#sinceSave = [];
        handlers.onDoc(doc, 'welcome', version);
        handlers.onState('live');
        break;
      }
      case 'op': {
        if (!this.#sequence) return;
        const { doc, lost } = this.#sequence.receive(message);
        this.#sinceSave.push({ seq: message.seq, op: message.op });
        handlers.onDoc(doc, message.client === this.#client ? 'echo' : 'remote');
        if (lost.length) handlers.onLost(lost);
        break;
      }
      case 'members':
        this.#saver = message.saver;
        this.#members = message.members ?? [];
        handlers.onMembers(this.#members, this.#client);
        break;
      case 'saved':
        if (!this.#sequence) return;
        if (message.rebased && this.#saver !== this.#client) {
          // The saver put the room's edits on a version saved elsewhere: start from that version.
          const latest = await handlers.load();
          const seq = message.seq;
          let doc = latest.map;
          for (const entry of this.#sinceSave) if (entry.seq > seq) { const r = apply(doc, entry.op); if (r.applied) doc = r.doc; }
          this.#sequence = new Sequence(doc, Math.max(seq, this.#sequence.seq), { client: this.#client });
          handlers.onDoc(doc, 'rebased');
        }
        this.#savedSeq = Math.max(this.#savedSeq, message.seq);
        this.#sinceSave = this.#sinceSave.filter((entry) => entry.seq > message.seq);
        handlers.onSaved(message.version, message.by);
        break;
      case 'reload': {
        const latest = await handlers.load();
        this.#sequence = new Sequence(latest.map, message.seq, { client: this.#client });
        this.#savedSeq = message.seq;
        this.#sinceSave = [];
        handlers.onDoc(latest.map, 'reload', latest.current_version);
        handlers.onSaved(latest.current_version, message.by, message.outside === true);
        break;
      }
      case 'goodbye':
        // The server let this person go (their role changed or ended): no reconnecting.
        this.#connection.close();
        this.#sequence = null;
        this.#members = [];
        handlers.onMembers([], null);
        handlers.onState('ended', message.message);
        break;
      case 'comments':
        // Someone started, answered, resolved, reopened, moved or deleted a thread of this map.
        handlers.onComments?.();
        break;
      case 'error':
        handlers.onState('error', message.message);
        break;
      default:
        break;
    }
  }
}
