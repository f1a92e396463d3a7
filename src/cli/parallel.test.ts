import { test } from "node:test";
import assert from "node:assert/strict";
import { parallel } from "./parallel.js";

test("parallel visits every item once, never more than the limit at a time", async () => {
  const seen: number[] = [];
  let open = 0;
  let most = 0;
  await parallel(Array.from({ length: 50 }, (_, i) => i * 10), 4, async (item, i) => {
    open++;
    most = Math.max(most, open);
    await new Promise((r) => setTimeout(r, (i * 7) % 5));
    assert.equal(item, i * 10);
    seen.push(i);
    open--;
  });
  assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(most, 4);
  await parallel([], 4, async () => assert.fail("no items, no calls"));
});
