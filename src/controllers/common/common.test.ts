import { test } from "node:test";
import assert from "node:assert/strict";
import { computeHash, fnv32a, safeEncodeString } from "./hash.js";
import { scaledValue } from "./intstr.js";
import { slowStartBatch } from "./slow-start.js";
import { semanticEqual } from "./semantic.js";
import { removeCondition, setCondition, type Condition } from "./conditions.js";
import { omitEmpty, statusChanged } from "./status.js";
import { availableInMs } from "./pods.js";
import { podNamePrefix } from "./pod-template.js";

test("hash: FNV-32a, SafeEncodeString, and a template hash independent of key order", () => {
  assert.equal(fnv32a(new TextEncoder().encode("a")), 0xe40c292c);
  assert.equal(fnv32a(new TextEncoder().encode("")), 0x811c9dc5);
  assert.equal(safeEncodeString("0123456789"), "456789bcdf");
  const a = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx" }] } };
  const b = { spec: { containers: [{ image: "nginx", name: "c" }] }, metadata: { labels: { app: "web" } } };
  assert.equal(computeHash(a), computeHash(b));
  assert.notEqual(computeHash(a), computeHash(a, 1));
  assert.notEqual(computeHash(a, 1), computeHash(a, 2));
  assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
});

test("intstr: percentages round up for surge and down for unavailability", () => {
  assert.equal(scaledValue("25%", 10, true), 3);
  assert.equal(scaledValue("25%", 10, false), 2);
  assert.equal(scaledValue(4, 10, true), 4);
  assert.equal(scaledValue(undefined, 10, true), 0);
  assert.throws(() => scaledValue("5", 10, true), /not a percentage/);
});

test("slowStartBatch runs batches of 1, 2, 4, … and stops after the first failing batch", async () => {
  const batches: number[] = [];
  let started = 0;
  const r = await slowStartBatch(10, 1, async () => {
    // The first call of a batch counts, once the batch's calls have all started, how many there are.
    if (started++ === 0)
      queueMicrotask(() => {
        batches.push(started);
        started = 0;
      });
  });
  assert.deepEqual(r, { successes: 10 });
  assert.deepEqual(batches, [1, 2, 4, 3]);
  let calls = 0;
  const f = await slowStartBatch(10, 1, async (i) => {
    calls++;
    if (i === 2) throw new Error("no");
  });
  assert.equal(calls, 3);
  assert.equal(f.successes, 2);
  assert.match(String(f.error), /no/);
});

test("semanticEqual: null, empty maps and empty lists equal missing fields; quantities compare by value", () => {
  assert.ok(semanticEqual({ metadata: { creationTimestamp: null, labels: { a: "1" } }, spec: { nodeSelector: {}, volumes: [] } }, { metadata: { labels: { a: "1" } }, spec: {} }));
  assert.ok(!semanticEqual({ spec: { image: "a" } }, { spec: { image: "b" } }));
  const resources = (cpu: string | number, memory: string) => ({ containers: [{ resources: { requests: { cpu, memory } } }], volumes: [{ emptyDir: { sizeLimit: memory } }] });
  assert.ok(semanticEqual(resources("0.5", "1Gi"), resources("500m", "1024Mi")));
  assert.ok(semanticEqual(resources(1, "1Gi"), resources("1", "1073741824")));
  assert.ok(!semanticEqual(resources(1, "1Gi"), resources("2", "1Gi")));
});

test("conditions: same status and reason change nothing; lastTransitionTime moves only with the status", () => {
  const c0: Condition = { type: "Progressing", status: "True", reason: "A", lastTransitionTime: "t0", lastUpdateTime: "t0" };
  const same = setCondition([c0], { ...c0, lastTransitionTime: "t1", lastUpdateTime: "t1" });
  assert.deepEqual(same, [c0]);
  const other = setCondition([c0, { type: "Available", status: "True" }], { type: "Progressing", status: "True", reason: "B", lastTransitionTime: "t2", lastUpdateTime: "t2" });
  assert.deepEqual(other.map((c) => [c.type, c.reason, c.lastTransitionTime, c.lastUpdateTime]), [
    ["Available", undefined, undefined, undefined],
    ["Progressing", "B", "t0", "t2"],
  ]);
  const flipped = setCondition([c0], { type: "Progressing", status: "False", reason: "C", lastTransitionTime: "t3" });
  assert.equal(flipped[0].lastTransitionTime, "t3");
  assert.equal(removeCondition([c0], "Progressing"), undefined);
});

test("status: omitempty fields vanish and do not count as a change", () => {
  assert.deepEqual(omitEmpty({ replicas: 0, readyReplicas: 0, conditions: [] }, ["replicas"]), { replicas: 0 });
  assert.ok(!statusChanged({ replicas: 2 }, { replicas: 2, availableReplicas: 0 }));
  assert.ok(statusChanged({ replicas: 2 }, { replicas: 3 }));
});

test("pods: availability after minReadySeconds; pod name prefix", () => {
  const t = Date.parse("2026-01-01T00:00:00Z");
  const pod = { metadata: {}, status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } };
  assert.equal(availableInMs(pod, 0, t), 0);
  assert.equal(availableInMs(pod, 10, t + 4000), 6001);
  assert.equal(availableInMs(pod, 10, t + 10_001), 0);
  assert.equal(availableInMs({ metadata: {} }, 10, t), undefined);
  assert.equal(podNamePrefix("web"), "web-");
});
