import { test } from "node:test";
import assert from "node:assert/strict";
import { TokenBuckets, Concurrency } from "./token-bucket.js";

test("a bucket allows the burst, then qps, and says how long to wait", () => {
  let now = 0;
  const b = new TokenBuckets(2, 4, () => now);
  for (let i = 0; i < 4; i++) assert.deepEqual(b.take("alice"), { ok: true });
  assert.deepEqual(b.take("alice"), { ok: false, retryAfterSeconds: 1 });
  assert.deepEqual(b.take("bob"), { ok: true }, "users have their own buckets");
  now += 500;
  assert.deepEqual(b.take("alice"), { ok: true }, "one token back after 1/qps s");
  assert.equal(b.take("alice").ok, false);
  now += 10_000;
  for (let i = 0; i < 4; i++) assert.equal(b.take("alice").ok, true, "refilled to the burst, not beyond");
  assert.equal(b.take("alice").ok, false);
  const slow = new TokenBuckets(0.1, 1, () => now);
  slow.take("x");
  assert.deepEqual(slow.take("x"), { ok: false, retryAfterSeconds: 10 });
});

test("concurrency caps open watches per user and frees slots on release", () => {
  const c = new Concurrency(2);
  assert.ok(c.acquire("a") && c.acquire("a"));
  assert.equal(c.acquire("a"), false);
  assert.ok(c.acquire("b"));
  c.release("a");
  assert.ok(c.acquire("a"));
  assert.equal(c.count("a"), 2);
});
