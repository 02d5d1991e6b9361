import assert from "node:assert/strict";
import { test } from "node:test";
import { apply } from "../../Sources/WayfinderServer/Resources/web/editor/operations.js";
import { History } from "../../Sources/WayfinderServer/Resources/web/editor/history.js";
import { Sequence } from "../../Sources/WayfinderServer/Resources/web/editor/sequence.js";
import { assertValid, loadFixture, prng, randomOp } from "./support.mjs";

const map = loadFixture();
const name = (id, value) => ({ type: "setField", target: { kind: "touchpoint", id }, field: "name", value });
const nameOf = (doc, id) => doc.touchpoints.find((touchpoint) => touchpoint.id === id)?.name;

/** A relay like the server's: numbers every message it gets and hands each to every browser, as JSON. */
function relay(start = 0) {
  let seq = start;
  const sent = [];
  return {
    sent,
    post(author, message) {
      seq += 1;
      const relayed = JSON.parse(JSON.stringify({ ...message, seq, author }));
      sent.push(relayed);
      return relayed;
    },
  };
}

test("a local edit shows at once and stays pending until the server echoes it", () => {
  const browser = new Sequence(map, 7, { client: "ana-tab" });
  const { doc, applied, message, inverse } = browser.local(name("checkout", "Pays"));
  assert.equal(applied, true);
  assert.equal(nameOf(doc, "checkout"), "Pays");
  assert.equal(browser.shown, doc);
  assert.equal(browser.confirmed, map);
  assert.equal(browser.pendingCount, 1);
  assert.deepEqual(message, { op: name("checkout", "Pays"), base: 7, client: "ana-tab", opId: "1" });
  assert.deepEqual(inverse, name("checkout", "Checks out"));

  const echo = browser.receive({ ...message, seq: 8, author: "Ana" });
  assert.deepEqual(echo.lost, []);
  assert.equal(browser.pendingCount, 0);
  assert.equal(browser.seq, 8);
  assert.deepEqual(browser.confirmed, browser.shown);
  assert.equal(nameOf(browser.shown, "checkout"), "Pays");
});

test("an edit that does not apply is neither shown nor sent", () => {
  const browser = new Sequence(map, 0, { client: "a" });
  const result = browser.local(name("ghost", "x"));
  assert.deepEqual(result, { doc: map, applied: false, inverse: null, message: null });
  assert.equal(browser.pendingCount, 0);
});

test("a colleague's edit arriving before the echo is shown under the pending edit", () => {
  const ana = new Sequence(map, 0, { client: "ana" });
  const { message } = ana.local(name("checkout", "Pays"));
  const theirs = ana.receive({ seq: 1, op: name("order-placed", "Orders"), author: "Ben", base: 0, client: "ben", opId: "1" });
  assert.equal(nameOf(theirs.doc, "checkout"), "Pays", "the pending edit is still shown");
  assert.equal(nameOf(theirs.doc, "order-placed"), "Orders");
  assert.equal(nameOf(ana.confirmed, "checkout"), "Checks out");
  ana.receive({ ...message, seq: 2, author: "Ana" });
  assert.deepEqual(ana.shown, ana.confirmed);
});

test("repeated or old sequence numbers are ignored", () => {
  const browser = new Sequence(map, 5, { client: "a" });
  const result = browser.receive({ seq: 5, op: name("checkout", "Old"), author: "Ben", base: 4, client: "ben", opId: "9" });
  assert.equal(result.doc, map);
  browser.receive({ seq: 6, op: name("checkout", "New"), author: "Ben", base: 5, client: "ben", opId: "10" });
  browser.receive({ seq: 6, op: name("checkout", "Again"), author: "Ben", base: 5, client: "ben", opId: "10" });
  assert.equal(nameOf(browser.shown, "checkout"), "New");
  assert.equal(browser.seq, 6);
});

test("two concurrent edits of the same field: the later sequence wins everywhere and the other author is told", () => {
  const server = relay();
  const ana = new Sequence(map, 0, { client: "ana" });
  const ben = new Sequence(map, 0, { client: "ben" });
  const fromAna = server.post("Ana", ana.local(name("instagram-ad", "Sees a reel")).message);
  const fromBen = server.post("Ben", ben.local(name("instagram-ad", "Sees a post")).message);

  const anaLost = [...ana.receive(fromAna).lost, ...ana.receive(fromBen).lost];
  const benLost = [...ben.receive(fromAna).lost, ...ben.receive(fromBen).lost];
  assert.equal(nameOf(ana.shown, "instagram-ad"), "Sees a post");
  assert.deepEqual(ana.shown, ben.shown);
  assert.deepEqual(benLost, [], "the later edit lost nothing");
  assert.equal(anaLost.length, 1);
  const [lost] = anaLost;
  assert.equal(lost.reason, "overwritten");
  assert.equal(lost.by, "Ben");
  assert.equal(lost.opId, fromAna.opId);
  assert.deepEqual(lost.op, name("instagram-ad", "Sees a reel"));
  assert.deepEqual(lost.byOp, name("instagram-ad", "Sees a post"));
  assert.equal(lost.description, "Renamed “Sees an ad” to “Sees a reel”");
});

test("an edit made after seeing mine is not reported as overwriting it", () => {
  const server = relay();
  const ana = new Sequence(map, 0, { client: "ana" });
  const ben = new Sequence(map, 0, { client: "ben" });
  const first = server.post("Ana", ana.local(name("checkout", "Pays")).message);
  ana.receive(first);
  ben.receive(first);
  const second = server.post("Ben", ben.local(name("checkout", "Pays now")).message);
  assert.equal(second.base, 1);
  assert.deepEqual(ana.receive(second).lost, []);
  assert.equal(nameOf(ana.shown, "checkout"), "Pays now");
});

test("concurrent edits of different touchpoints both survive and nobody is told anything", () => {
  const server = relay();
  const ana = new Sequence(map, 0, { client: "ana" });
  const ben = new Sequence(map, 0, { client: "ben" });
  const messages = [
    server.post("Ana", ana.local(name("checkout", "Pays")).message),
    server.post("Ben", ben.local(name("order-placed", "Orders")).message),
    server.post("Ben", ben.local({ type: "moveTouchpoint", id: "beginner-guide", stage: "consideration", position: 0 }).message),
    server.post("Ana", ana.local({ type: "setField", target: { kind: "touchpoint", id: "order-placed" }, field: "emotion", value: 1 }).message),
  ];
  for (const browser of [ana, ben]) {
    for (const message of messages) assert.deepEqual(browser.receive(message).lost, []);
  }
  assert.deepEqual(ana.shown, ben.shown);
  assert.equal(nameOf(ana.shown, "checkout"), "Pays");
  assert.equal(nameOf(ana.shown, "order-placed"), "Orders");
  assert.equal(ana.shown.touchpoints.find((t) => t.id === "order-placed").emotion, 1);
  assert.equal(ana.shown.touchpoints.find((t) => t.id === "beginner-guide").stage, "consideration");
});

test("a pending edit of a touchpoint a colleague removed first is lost, and the page is told who removed it", () => {
  const server = relay();
  const ana = new Sequence(map, 0, { client: "ana" });
  const ben = new Sequence(map, 0, { client: "ben" });
  const anaMessage = ana.local(name("checkout", "Pays")).message;
  const benRemoves = server.post("Ben", ben.local({ type: "removeStage", id: "purchase" }).message);
  const received = ana.receive(benRemoves);
  assert.equal(received.lost.length, 1);
  assert.equal(received.lost[0].reason, "skipped");
  assert.equal(received.lost[0].by, "Ben");
  assert.equal(received.lost[0].description, "Renamed “Checks out” to “Pays”");
  assert.equal(nameOf(received.doc, "checkout"), undefined);
  const echo = ana.receive(server.post("Ana", anaMessage));
  assert.deepEqual(echo.lost, [], "told once, not again at the echo");
  ben.receive(benRemoves);
  ben.receive(server.sent[1]);
  assert.deepEqual(ana.shown, ben.shown);
  assert.equal(ana.pendingCount, 0);
});

test("removing what a colleague removed at the same time is not reported as lost", () => {
  const server = relay();
  const ana = new Sequence(map, 0, { client: "ana" });
  const ben = new Sequence(map, 0, { client: "ben" });
  const anaMessage = ana.local({ type: "removeTouchpoint", id: "checkout" }).message;
  const benRemoves = server.post("Ben", ben.local({ type: "removeStage", id: "purchase" }).message);
  assert.deepEqual(ana.receive(benRemoves).lost, []);
  assert.deepEqual(ana.receive(server.post("Ana", anaMessage)).lost, []);
  ben.receive(benRemoves);
  assert.deepEqual(ben.receive(server.sent[1]).lost, []);
  assert.deepEqual(ana.shown, ben.shown);
});

test("an edit already confirmed and then removed by a colleague who had not seen it is lost", () => {
  const server = relay();
  const ana = new Sequence(map, 0, { client: "ana" });
  const ben = new Sequence(map, 0, { client: "ben" });
  const mine = server.post("Ana", ana.local({ type: "setLaneCard", lane: "systems", touchpoint: "checkout", value: "Stripe" }).message);
  const theirs = server.post("Ben", ben.local({ type: "removeStage", id: "purchase" }).message);
  ana.receive(mine);
  const { lost } = ana.receive(theirs);
  assert.equal(lost.length, 1);
  assert.equal(lost[0].by, "Ben");
  assert.equal(lost[0].description, "Edited the Systems card of “Checks out”");
});

test("an own edit whose echo no longer applies is reported when nothing told of it earlier", () => {
  const ana = new Sequence(map, 0, { client: "ana" });
  const first = ana.local({ type: "addStage", stage: { id: "returns", name: "Returns" }, index: 3 }).message;
  const second = ana.local({ type: "addTouchpoint", touchpoint: { id: "label", name: "Prints a label", stage: "returns", channel: "web" } }).message;
  // The server relays the second before the first (it should not): the second fails at its echo.
  const { lost } = ana.receive({ ...second, seq: 1, author: "Ana" });
  assert.deepEqual(lost.map((each) => [each.reason, each.opId]), [["skipped", second.opId]]);
  ana.receive({ ...first, seq: 2, author: "Ana" });
  assert.deepEqual(ana.shown, ana.confirmed);
});

/**
 * Browsers edit at random (some through undo and redo), a server numbers their messages in a random
 * interleaving, and each browser receives every message in order at its own pace.
 */
function simulate(seed, names) {
  const random = prng(seed);
  const pick = (items) => items[Math.floor(random() * items.length)];
  const server = relay(3);
  const browsers = names.map((author) => ({
    author, sequence: new Sequence(map, 3, { client: `${author}-tab` }), history: new History({ now: () => 0 }),
    outbox: [], inbox: [], lost: [],
  }));
  const send = (browser, op) => {
    const result = browser.sequence.local(op);
    if (result.applied) browser.outbox.push(result.message);
    assertValid(browser.sequence.shown);
    return result;
  };
  for (let step = 0; step < 160; step += 1) {
    const browser = pick(browsers);
    const roll = random();
    if (roll < 0.3) {
      const op = randomOp(browser.sequence.shown, random);
      const result = send(browser, op);
      browser.history.record(op, result.inverse);
    } else if (roll < 0.38) {
      const undo = random() < 0.7 ? browser.history.undo(browser.sequence.shown) : browser.history.redo(browser.sequence.shown);
      if (undo.op && !undo.skipped) {
        assert.deepEqual(send(browser, undo.op).doc, undo.doc, "the history and the sequence agree on the document");
      }
    } else if (roll < 0.68) {
      if (browser.outbox.length > 0) {
        const relayed = server.post(browser.author, browser.outbox.shift());
        for (const each of browsers) each.inbox.push(relayed);
      }
    } else if (browser.inbox.length > 0) {
      const { doc, lost } = browser.sequence.receive(browser.inbox.shift());
      assertValid(doc);
      browser.lost.push(...lost);
    }
  }
  for (const browser of browsers) {
    while (browser.outbox.length > 0) {
      const relayed = server.post(browser.author, browser.outbox.shift());
      for (const each of browsers) each.inbox.push(relayed);
    }
  }
  for (const browser of browsers) {
    while (browser.inbox.length > 0) browser.lost.push(...browser.sequence.receive(browser.inbox.shift()).lost);
  }
  return { browsers, sent: server.sent };
}

test("convergence: two or three browsers editing at once all end with the same valid document (150 seeds)", () => {
  let messages = 0;
  let lostCount = 0;
  for (let seed = 1; seed <= 150; seed += 1) {
    const names = seed % 2 === 0 ? ["Ana", "Ben"] : ["Ana", "Ben", "Chloé"];
    const { browsers, sent } = simulate(seed, names);
    const reference = sent.reduce((doc, message) => apply(doc, message.op).doc, map);
    assertValid(reference);
    for (const browser of browsers) {
      assert.equal(browser.sequence.pendingCount, 0, `seed ${seed}: ${browser.author} has nothing pending`);
      assert.equal(browser.sequence.seq, 3 + sent.length);
      assert.deepEqual(browser.sequence.shown, browser.sequence.confirmed);
      assert.deepEqual(browser.sequence.shown, reference, `seed ${seed}: ${browser.author} has the document of the server's order`);
      for (const lost of browser.lost) {
        assert.notEqual(lost.by, browser.author, `seed ${seed}: an edit is only lost to someone else`);
        assert.equal(typeof lost.description, "string");
        assert.ok(sent.some((message) => message.client === `${browser.author}-tab` && message.opId === lost.opId), "a lost edit is one of the browser's own");
      }
      lostCount += browser.lost.length;
    }
    messages += sent.length;
  }
  assert.ok(messages > 3000, `${messages} messages relayed`);
  assert.ok(lostCount > 0, `some edits collided (${lostCount})`);
});
