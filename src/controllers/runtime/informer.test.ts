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

test("lists by namespace, and claimable gives an owner its own objects and the orphans of its namespace only", () => {
  const inf = new Informer(() => {});
  const inNs = (o: KObject, ns: string): KObject => ({ ...o, metadata: { ...o.metadata, namespace: ns } });
  inf.apply("pods", "ADDED", pod("mine", 1, "rs-a"));
  inf.apply("pods", "ADDED", pod("theirs", 2, "rs-b"));
  inf.apply("pods", "ADDED", pod("orphan", 3));
  inf.apply("pods", "ADDED", inNs(pod("elsewhere-orphan", 4), "other"));
  const names = (l: KObject[]) => l.map((p) => p.metadata.name).sort();
  assert.deepEqual(names(inf.list("pods", "ns")), ["mine", "orphan", "theirs"]);
  assert.deepEqual(names(inf.list("pods", "other")), ["elsewhere-orphan"]);
  assert.deepEqual(names(inf.list("pods")), ["elsewhere-orphan", "mine", "orphan", "theirs"]);
  assert.equal(inf.count("pods"), 4);
  assert.deepEqual(names(inf.claimable("pods", "ns", "rs-a")), ["mine", "orphan"]);
  // Adopted: no longer an orphan for anyone else.
  inf.apply("pods", "MODIFIED", pod("orphan", 5, "rs-a"));
  assert.deepEqual(names(inf.claimable("pods", "ns", "rs-b")), ["theirs"]);
  // Released (controller removed): an orphan again.
  inf.apply("pods", "MODIFIED", pod("mine", 6));
  assert.deepEqual(names(inf.claimable("pods", "ns", "rs-b")), ["mine", "theirs"]);
  inf.apply("pods", "DELETED", pod("mine", 7));
  assert.deepEqual(names(inf.claimable("pods", "ns", "rs-b")), ["theirs"]);
  assert.equal(inf.get("pods", "ns", "mine"), undefined);
});

test("onNode gives the pods bound to a node, following binding and deletion", () => {
  const inf = new Informer(() => {});
  const bound = (name: string, rv: number, node?: string): KObject => ({ ...pod(name, rv), spec: node ? { nodeName: node } : {} });
  inf.apply("pods", "ADDED", bound("a", 1));
  assert.deepEqual(inf.onNode("n1"), []);
  inf.apply("pods", "MODIFIED", bound("a", 2, "n1"));
  inf.apply("pods", "ADDED", bound("b", 3, "n2"));
  assert.deepEqual(inf.onNode("n1").map((p) => p.metadata.name), ["a"]);
  inf.apply("pods", "DELETED", bound("a", 4, "n1"));
  assert.deepEqual(inf.onNode("n1"), []);
  assert.deepEqual(inf.onNode("n2").map((p) => p.metadata.name), ["b"]);
});

test("an orphan that names the owner without being controlled by it is claimable once", () => {
  const inf = new Informer(() => {});
  const o = pod("loose", 1);
  o.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "rs-a" }];
  inf.apply("pods", "ADDED", o);
  assert.deepEqual(inf.claimable("pods", "ns", "rs-a").map((p) => p.metadata.name), ["loose"]);
});
