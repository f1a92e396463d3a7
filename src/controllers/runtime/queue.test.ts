import { test } from "node:test";
import assert from "node:assert/strict";
import { WorkQueue } from "./queue.js";

function fakeTimers() {
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      const t = { at: now + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimer: (t: unknown) => {
      const i = timers.indexOf(t as never);
      if (i >= 0) timers.splice(i, 1);
    },
    advance(ms: number) {
      now += ms;
      for (const t of [...timers].sort((a, b) => a.at - b.at)) {
        if (t.at <= now) {
          timers.splice(timers.indexOf(t), 1);
          t.fn();
        }
      }
    },
  };
}

test("duplicates collapse and a key is never handed out twice at once", () => {
  let ready = 0;
  const q = new WorkQueue({ onReady: () => ready++ });
  q.add("a");
  q.add("a");
  q.add("b");
  assert.equal(q.length, 2);
  const [a] = q.take(1);
  assert.equal(a, "a");
  q.add("a"); // changed while processing
  assert.deepEqual(q.take(10), ["b"]);
  q.done("a");
  assert.deepEqual(q.take(10), ["a"], "re-queued after processing");
  assert.ok(ready >= 2);
});

test("delayed adds and back-off fire on time", () => {
  const t = fakeTimers();
  const q = new WorkQueue({ onReady: () => {}, ...t, baseDelayMs: 10 });
  q.addAfter("x", 100);
  t.advance(99);
  assert.equal(q.length, 0);
  t.advance(1);
  assert.deepEqual(q.take(1), ["x"]);
  q.done("x");
  q.addRateLimited("y");
  t.advance(10);
  assert.deepEqual(q.take(1), ["y"]);
  q.done("y");
  q.addRateLimited("y");
  t.advance(10);
  assert.equal(q.length, 0, "second failure waits twice as long");
  t.advance(10);
  assert.deepEqual(q.take(1), ["y"]);
  q.forget("y");
  q.done("y");
  q.addRateLimited("y");
  t.advance(10);
  assert.deepEqual(q.take(1), ["y"], "forget resets the back-off");
});
