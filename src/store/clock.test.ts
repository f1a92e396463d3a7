import { test } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "./clock.js";

test("versions strictly increase, even within one millisecond", () => {
  const c = new Clock();
  let prev = 0;
  for (let i = 0; i < 10_000; i++) {
    const v = c.next();
    assert.ok(v > prev, `${v} > ${prev}`);
    prev = v;
  }
});

test("a version handed out by current() is never reused by a write", () => {
  const c = new Clock();
  const seen = c.current();
  assert.ok(c.next() > seen);
});

test("a clock restored from a future version stays ahead of it", () => {
  const future = Date.now() * 1000 + 5_000_000;
  const c = new Clock(future);
  assert.ok(c.next() > future);
  c.observe(future + 10);
  assert.ok(c.current() >= future + 10);
  assert.ok(c.next() > future + 10);
});
