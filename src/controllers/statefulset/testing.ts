/**
 * Test support for the workload controllers: play the kubelet on a
 * FakeCluster by writing pod status (Running and Ready, or finished), and
 * run a controller over a key until it stops writing.
 */
import type { FakeCluster } from "../fake.js";
import type { Controller, ReconcileResult } from "../types.js";
import { rfc3339 } from "../common/time.js";

/** Set a pod's phase as its kubelet would; Running pods are Ready unless told otherwise. */
export async function setPhase(fc: FakeCluster, name: string, phase: "Pending" | "Running" | "Succeeded" | "Failed", ready = phase === "Running", namespace = "default"): Promise<void> {
  const conditions = [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(fc.clock) }];
  await fc.patch("pods", namespace, name, { status: { phase, conditions } }, "status");
}

/** Reconcile a key until a pass writes nothing (at most `max` passes); the last result. */
export async function settle(c: Controller, fc: FakeCluster, name: string, namespace = "default", max = 20): Promise<ReconcileResult | void> {
  let result: ReconcileResult | void;
  for (let i = 0; i < max; i++) {
    const before = fc.writes.length;
    result = await c.reconcile({ namespace, name }, fc.context());
    if (fc.writes.length === before) return result;
  }
  throw new Error(`${c.name} ${namespace}/${name} still writing after ${max} passes`);
}

/** Names of the pods in a namespace, sorted. */
export const podNames = (fc: FakeCluster, namespace = "default") => fc.list("pods", namespace).map((p) => p.metadata.name ?? "").sort();
