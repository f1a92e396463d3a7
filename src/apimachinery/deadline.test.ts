import { test } from "node:test";
import assert from "node:assert/strict";
import { deadline } from "./deadline.js";

test("a deadline lets work that finishes in time through and fails what does not, with its message", async () => {
  const d = deadline(50, "too slow");
  assert.equal(await d.race(Promise.resolve(1)), 1);
  await assert.rejects(d.race(new Promise((r) => setTimeout(r, 500))), /too slow/);
  d.clear();
  const cleared = deadline(10, "never");
  cleared.clear();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(await cleared.race(Promise.resolve("ok")), "ok", "a cleared deadline never fires");
});
