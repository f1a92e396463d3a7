import { test } from "node:test";
import assert from "node:assert/strict";
import { Informer, type ChangeType } from "./informer.js";
import type { KObject } from "../../registry/types.js";

const pod = (name: string, rv: number, owner?: string): KObject => ({
  metadata: { name, namespace: "ns", resourceVersion: String(rv), uid: `u-${name}`, ...(owner ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: owner, controller: true }] } : {}) },
});

test("applies changes in version order and indexes owners", () => {
  const seen: string[] = [];
  const inf = new Informer((_r, t: ChangeType, o) => seen.push(`${t} ${o.metadata.name} ${o.metadata.resourceVersion}`));
  inf.apply("pods", "ADDED", pod("a", 2, "rs-uid"));
  inf.apply("pods", "MODIFIED", pod("a", 1, "rs-uid"));
  assert.equal(inf.get("pods", "ns", "a")?.metadata.resourceVersion, "2", "an older version never wins");
  assert.deepEqual(inf.ownedBy("pods", "rs-uid").map((p) => p.metadata.name), ["a"]);
  inf.apply("pods", "MODIFIED", pod("a", 3));
  assert.deepEqual(inf.ownedBy("pods", "rs-uid"), [], "owner index follows ownerReference changes");
  inf.apply("pods", "DELETED", pod("a", 4));
  inf.apply("pods", "ADDED", pod("a", 3));
  assert.equal(inf.get("pods", "ns", "a"), undefined, "a stale add after a delete is ignored");
  assert.deepEqual(seen, ["ADDED a 2", "MODIFIED a 3", "DELETED a 4"]);
});

test("replace removes objects missing from a fresh list", () => {
  const inf = new Informer(() => {});
  inf.apply("pods", "ADDED", pod("a", 1));
  inf.apply("pods", "ADDED", pod("b", 2));
  inf.replace("pods", "ns", [pod("b", 2), pod("c", 5)]);
  assert.deepEqual(inf.list("pods", "ns").map((p) => p.metadata.name).sort(), ["b", "c"]);
});
