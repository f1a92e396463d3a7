/**
 * Test helpers for workload controllers over FakeCluster: play the kubelet
 * (a pod starts running, turns ready, fails) and play the controller
 * manager (reconcile every key until nothing changes).
 */
import { ApiError } from "../../apimachinery/status.js";
import type { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { keyOf, type Controller, type ReconcileResult } from "../types.js";
import type { Pod } from "./pods.js";
import { rfc3339 } from "./time.js";

export interface PodState {
  phase?: string;
  ready?: boolean;
  restarts?: number;
  /** When it became ready (ms); default now. */
  readySince?: number;
}

/** Set a pod's phase, Ready condition and restart count through its status subresource. */
export async function setPodState(fc: FakeCluster, pod: Pod, s: PodState = {}): Promise<Pod> {
  const ready = s.ready ?? true;
  const status = {
    phase: s.phase ?? "Running",
    conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(s.readySince ?? fc.clock) }],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? "", imageID: "", ready, restartCount: s.restarts ?? 0 })),
  };
  return (await fc.patch("pods", pod.metadata.namespace ?? "", pod.metadata.name ?? "", { status }, "status")) as Pod;
}

/** Make at most `max` pods that are not ready yet Running and Ready (on a node); how many it did. */
export async function readyPods(fc: FakeCluster, namespace = "default", max = Infinity): Promise<number> {
  let n = 0;
  for (const p of fc.list("pods", namespace) as Pod[]) {
    if (n >= max) break;
    if (p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")) continue;
    if (!p.spec?.nodeName) await fc.bind(namespace, p.metadata.name ?? "", "node-1");
    await setPodState(fc, fc.get("pods", namespace, p.metadata.name ?? "") as Pod);
    n++;
  }
  return n;
}

/**
 * Reconcile every key of every controller, in order, round after round
 * until a round writes nothing (409s are retried next round, as the
 * runtime would). Calls check after each reconcile. Returns the rounds run.
 */
export async function settle(fc: FakeCluster, controllers: Controller[], check: () => void = () => {}, maxRounds = 100): Promise<number> {
  for (let round = 1; round <= maxRounds; round++) {
    const before = fc.writes.length;
    for (const c of controllers) {
      for (const o of fc.list(c.primary)) {
        try {
          await c.reconcile(keyOf(o), fc.context());
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 409)) throw e;
        }
        check();
      }
    }
    if (fc.writes.length === before) return round;
  }
  throw new Error(`controllers did not settle in ${maxRounds} rounds`);
}

/** Set a pod's phase as its kubelet would; Running pods are Ready unless told otherwise. */
export async function setPhase(fc: FakeCluster, name: string, phase: "Pending" | "Running" | "Succeeded" | "Failed", ready = phase === "Running", namespace = "default"): Promise<void> {
  const conditions = [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: rfc3339(fc.clock) }];
  await fc.patch("pods", namespace, name, { status: { phase, conditions } }, "status");
}

/** Reconcile one key of one controller until a pass writes nothing (at most `max` passes); the last result. */
export async function settleKey(c: Controller, fc: FakeCluster, name: string, namespace = "default", max = 20): Promise<ReconcileResult | void> {
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

/**
 * A pod put in a FakeCluster the way the cluster would hold it: created
 * through the pod strategy, then given its status, then, if asked, marked
 * terminating as a graceful delete leaves it.
 */
export async function addPod(f: FakeCluster, o: KObject): Promise<KObject> {
  const { deletionTimestamp, deletionGracePeriodSeconds, ...metadata } = o.metadata;
  const created = await f.create("pods", { ...o, metadata, status: undefined });
  const withStatus = await f.updateStatus("pods", { ...created, status: o.status });
  if (!deletionTimestamp) return withStatus;
  return f.seed("pods", { ...withStatus, metadata: { ...withStatus.metadata, deletionTimestamp, deletionGracePeriodSeconds } });
}
