import { test } from "node:test";
import assert from "node:assert/strict";
import { Cached, CachedMap } from "./cache.js";

test("Cached: reuses a value within maxAge, shares a concurrent load, reloads when older or invalidated", async () => {
  let now = 0;
  let loads = 0;
  const c = new Cached(async () => ++loads, () => now);
  assert.deepEqual(await Promise.all([c.get(100), c.get(100)]), [1, 1]);
  now = 50;
  assert.equal(await c.get(100), 1);
  assert.equal(await c.get(10), 2, "a tighter bound reloads");
  c.invalidate();
  assert.equal(await c.get(1000), 3);
});

test("CachedMap: per key, bounded", async () => {
  let loads = 0;
  const m = new CachedMap(async (k) => `${k}${++loads}`, 2);
  assert.equal(await m.get("a", 1000), "a1");
  assert.equal(await m.get("a", 1000), "a1");
  await m.get("b", 1000);
  await m.get("c", 1000);
  assert.equal(await m.get("a", 1000), "a4", "evicted as the oldest");
});
