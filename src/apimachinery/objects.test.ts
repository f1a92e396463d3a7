import { test } from "node:test";
import assert from "node:assert/strict";
import { deepEqual, getPath, setPath } from "./objects.js";

test("deepEqual ignores key order and undefined members", () => {
  assert.ok(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  assert.ok(deepEqual({ a: 1, x: undefined }, { a: 1 }));
  assert.ok(!deepEqual({ a: 1 }, { a: 2 }));
  assert.ok(!deepEqual([1, 2], [2, 1]));
  assert.ok(!deepEqual({ a: [] }, { a: {} }));
  assert.ok(!deepEqual(null, {}));
});

test("getPath and setPath", () => {
  const o: Record<string, unknown> = { spec: { replicas: 3 } };
  assert.equal(getPath(o, "spec.replicas"), 3);
  assert.equal(getPath(o, "status.replicas"), undefined);
  setPath(o, "status.replicas", 2);
  assert.deepEqual(o, { spec: { replicas: 3 }, status: { replicas: 2 } });
});
