import { test } from "node:test";
import assert from "node:assert/strict";
import { WatchHub, type Watcher } from "./watch-hub.js";
import { registry } from "../registry/index.js";
import type { KObject } from "../registry/types.js";

const kind = registry.byKey("configmaps")!;
const cm = (name: string, rv: number): KObject => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "ns", resourceVersion: String(rv) } });
const dec = new TextDecoder();
const publish = (hub: WatchHub, name: string, rv: number) => {
  const o = cm(name, rv);
  hub.publish("configmaps", "ADDED", o, JSON.stringify(o), undefined, Date.now());
};
const names = (chunk: Uint8Array) => dec.decode(chunk).trim().split("\n").map((l) => (JSON.parse(l) as { object: KObject }).object.metadata.name);

test("an event goes out to a waiting reader when its task ends; events of one task leave together", async () => {
  const hub = new WatchHub();
  const reader = hub.open({ resource: "configmaps", kind, filter: null, bookmarks: false }, () => {}).getReader();
  const first = reader.read();
  publish(hub, "a", 1);
  assert.deepEqual(names((await first).value!), ["a"]);
  // Published in one task: b, c and d come as one chunk, in order.
  publish(hub, "b", 2);
  publish(hub, "c", 3);
  publish(hub, "d", 4);
  assert.deepEqual(names((await reader.read()).value!), ["b", "c", "d"]);
  assert.equal(hub.size, 1);
  await reader.cancel();
  assert.equal(hub.size, 0);
  publish(hub, "e", 5); // nobody left: nothing to do
});

test("close ends the stream after what is pending; replayed events come before live ones", async () => {
  const hub = new WatchHub();
  let watcher: Watcher | undefined;
  const stream = hub.open({ resource: "configmaps", kind, filter: (o) => o.metadata.name !== "skip", bookmarks: false }, (w) => {
    watcher = w;
    hub.send(w, hub.line(w, "ADDED", cm("old", 1), JSON.stringify(cm("old", 1)), Date.now()));
  });
  publish(hub, "new", 2);
  publish(hub, "skip", 3);
  hub.close(watcher!);
  const reader = stream.getReader();
  assert.deepEqual(names((await reader.read()).value!), ["old", "new"]);
  assert.equal((await reader.read()).done, true);
});

test("a watch with timeoutSeconds ends by itself", async () => {
  const hub = new WatchHub();
  const reader = hub.open({ resource: "configmaps", kind, filter: null, bookmarks: false }, () => {}, 0.05).getReader();
  assert.equal((await reader.read()).done, true);
  assert.equal(hub.size, 0);
});
