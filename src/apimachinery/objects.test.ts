import { test } from "node:test";
import assert from "node:assert/strict";
import { clone, deepEqual, getPath, setPath } from "./objects.js";

test("deepEqual ignores key order and undefined members", () => {
  assert.ok(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }));
  assert.ok(deepEqual({ a: 1, x: undefined }, { a: 1 }));
  assert.ok(!deepEqual({ a: 1 }, { a: 2 }));
  assert.ok(!deepEqual([1, 2], [2, 1]));
  assert.ok(!deepEqual({ a: [] }, { a: {} }));
  assert.ok(!deepEqual(null, {}));
  assert.ok(!deepEqual({ a: 1 }, { a: 1, b: 2 }));
  assert.ok(!deepEqual({ a: 1, b: undefined }, { a: 1, c: 2 }));
});

test("deepEqual skips the given keys at the top level only", () => {
  const skip = new Set(["image"]);
  assert.ok(deepEqual({ name: "a", image: "x" }, { name: "a", image: "y" }, skip));
  assert.ok(deepEqual({ name: "a", image: "x" }, { name: "a" }, skip));
  assert.ok(!deepEqual({ name: "a", env: { image: 1 } }, { name: "a", env: { image: 2 } }, skip));
});

test("clone copies JSON data deeply, keeping key order and own __proto__ keys", () => {
  const src = JSON.parse('{"b":1,"a":[{"x":null},"s",true],"__proto__":{"polluted":1},"u":{}}') as Record<string, unknown>;
  const out = clone(src);
  assert.notEqual(out, src);
  assert.notEqual(out.a, src.a);
  assert.equal(JSON.stringify(out), JSON.stringify(src));
  assert.deepEqual(Object.keys(out), ["b", "a", "__proto__", "u"]);
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.equal((out as { polluted?: number }).polluted, undefined);
  const d = new Date(0);
  assert.equal(clone({ d }).d.getTime(), 0);
  assert.equal(clone(undefined), undefined);
});

test("getPath and setPath", () => {
  const o: Record<string, unknown> = { spec: { replicas: 3 } };
  assert.equal(getPath(o, "spec.replicas"), 3);
  assert.equal(getPath(o, "status.replicas"), undefined);
  setPath(o, "status.replicas", 2);
  assert.deepEqual(o, { spec: { replicas: 3 }, status: { replicas: 2 } });
});
