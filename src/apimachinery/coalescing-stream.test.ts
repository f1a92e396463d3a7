import { test } from "node:test";
import assert from "node:assert/strict";
import { CoalescingStream, FlushGroup } from "./coalescing-stream.js";

const enc = new TextEncoder();
const dec = new TextDecoder();

test("a push reaches a waiting reader when its task ends; pushes of one task come as one chunk", async () => {
  const s = new CoalescingStream();
  const reader = s.readable.getReader();
  const first = reader.read();
  s.push(enc.encode("a\n"));
  assert.equal(dec.decode((await first).value), "a\n");
  s.push(enc.encode("b\n"));
  s.push(enc.encode("c\n"));
  assert.equal(s.pendingBytes, 4);
  assert.equal(dec.decode((await reader.read()).value), "b\nc\n");
  assert.equal(s.pendingBytes, 0);
});

test("pendingBytes counts what the reader has not taken, enqueued or not; streams of a group flush on one timer", async () => {
  const group = new FlushGroup();
  const a = new CoalescingStream(undefined, group);
  const b = new CoalescingStream(undefined, group);
  a.push(enc.encode("one"));
  b.push(enc.encode("two!"));
  await new Promise((r) => setTimeout(r, 5));
  // Enqueued by now, still not read.
  assert.equal(a.pendingBytes, 3);
  assert.equal(b.pendingBytes, 4);
  a.push(enc.encode("x"));
  assert.equal(a.pendingBytes, 4);
  const ra = a.readable.getReader();
  assert.equal(dec.decode((await ra.read()).value), "one");
  assert.equal(dec.decode((await ra.read()).value), "x");
  assert.equal(a.pendingBytes, 0);
  assert.equal(dec.decode((await b.readable.getReader().read()).value), "two!");
  assert.equal(b.pendingBytes, 0);
});

test("close lets what is pending out first, then ends; pushes after close are dropped", async () => {
  const s = new CoalescingStream();
  s.push(enc.encode("x"));
  s.close();
  s.push(enc.encode("y"));
  const reader = s.readable.getReader();
  assert.equal(dec.decode((await reader.read()).value), "x");
  assert.equal((await reader.read()).done, true);
});

test("a reader going away is reported once and drops what was pending", async () => {
  let cancelled = 0;
  const s = new CoalescingStream(() => cancelled++);
  const reader = s.readable.getReader();
  const waiting = reader.read();
  await reader.cancel();
  assert.equal((await waiting).done, true);
  s.push(enc.encode("late"));
  assert.equal(s.closed, true);
  assert.equal(s.pendingBytes, 0);
  assert.equal(cancelled, 1);
});
