import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../controllers/fake.js";
import { SchedulingQueue } from "./queue.js";
import type { KObject } from "../registry/types.js";

const node = (name: string, cpu = "4"): KObject => ({
  metadata: { name, labels: { "kubernetes.io/hostname": name } },
  spec: {},
  status: { allocatable: { cpu, memory: "8Gi", pods: "110" }, capacity: { cpu, memory: "8Gi", pods: "110" }, conditions: [{ type: "Ready", status: "True" }] },
});

test("an unschedulable pod is parked until an event may help, then retried after its back-off", async () => {
  const f = new FakeCluster();
  const q = new SchedulingQueue(f, () => f.clock);
  const pod = await f.create("pods", { metadata: { name: "p", namespace: "default" }, spec: { containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "2" } } }] } });
  q.onChange("pods", "ADDED", pod, undefined);
  await q.run(f.context());
  assert.equal(q.stats().unschedulable, 1);
  assert.equal(q.attempts, 1);
  // Time alone does not bring it back (well within the 5 minute park).
  f.clock += 30_000;
  await q.run(f.context());
  assert.equal(q.attempts, 1, "parked, not retried every second");
  // A node too small fails it again; the back-off grows.
  const small = f.seed("nodes", node("small", "1"));
  q.onChange("nodes", "ADDED", small, undefined);
  await q.run(f.context());
  assert.equal(q.attempts, 2, "a new node wakes it (its 1 s back-off had passed)");
  assert.equal(q.stats().unschedulable, 1);
  const big = f.seed("nodes", node("big", "8"));
  q.onChange("nodes", "ADDED", big, undefined);
  f.clock += 500;
  await q.run(f.context());
  assert.equal(q.attempts, 2, "second back-off (2 s) not over yet");
  f.clock += 2_000;
  await q.run(f.context());
  assert.equal(q.attempts, 3);
  assert.equal(q.bound, 1);
  assert.equal((f.get("pods", "default", "p")!.spec as { nodeName?: string }).nodeName, "big");
});
