import { test } from "node:test";
import assert from "node:assert/strict";
import { GroupCommit } from "./group-commit.js";

test("writes queued in one turn run together, in order, each with its own result or error", async () => {
  const g = new GroupCommit();
  const ran: number[] = [];
  const results = await Promise.allSettled([1, 2, 3, 4].map((n) => g.run(() => {
    ran.push(n);
    if (n === 3) throw new Error("three fails alone");
    return n * 10;
  })));
  assert.deepEqual(ran, [1, 2, 3, 4]);
  assert.equal(g.groups, 1);
  assert.deepEqual(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)), [10, 20, "three fails alone", 40]);
});

test("nothing runs before the turn ends; a write after a group starts the next one", async () => {
  const g = new GroupCommit();
  let ran = false;
  const first = g.run(() => (ran = true));
  assert.equal(ran, false);
  await first;
  assert.equal(await g.run(() => "second"), "second");
  assert.equal(g.groups, 2);
});
