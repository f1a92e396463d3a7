/**
 * What the runtime calls with the pending pods it holds: place them one by
 * one in queue order (priority, then age), assume each placement in the
 * cache and bind it in the background (so a batch never overbooks and binds
 * overlap), and report pods that fit nowhere as kube-scheduler does (the
 * PodScheduled=False condition and a FailedScheduling event). The runtime
 * owns the queue; it retries the failed pods with podBackoffMs, and at once
 * when mayBecomeSchedulable says a cluster event could help (queueing hints).
 */
import type { PodSpec, PodStatus } from "kubernetes-types/core/v1";
import { ApiError } from "../apimachinery/status.js";
import type { KObject } from "../registry/types.js";
import { keyString, keyOf, type ReconcileContext } from "../controllers/types.js";
import type { FitFailure, Scheduler } from "./scheduler.js";
import { rfc3339 } from "../controllers/common/time.js";

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";
/**
 * Binding and status writes in flight at once. Binding is asynchronous, as
 * kube-scheduler's binding cycles are: the next pods are placed while the
 * store commits the previous ones' bindings.
 */
const MAX_WRITES_IN_FLIGHT = 1024;
/**
 * Scheduling cycles run back to back on a thread other work shares (the
 * informer feed, the other control loops; with EDGEPLANE_PROCESSES=1 the API
 * too): after this many the loop yields to what waits, the batch of bindings
 * just made included, so nothing starves. (workerd's clock stands still
 * while code runs, so the slice is counted in pods, not milliseconds.)
 */
const PODS_PER_SLICE = 64;
/** validation.NoteLengthLimit: event messages are cut to this. */
const EVENT_MESSAGE_LIMIT = 1024;
const INITIAL_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 10_000;

export interface BatchResult {
  bound: number;
  /** Pods to retry later: they fit nowhere, or their binding failed. */
  failed: KObject[];
  /** Why each pod that fit nowhere did not fit, by "namespace/name". */
  failures: Map<string, FitFailure>;
}

/** Whether this scheduler should place the pod now. */
export function needsScheduling(pod: KObject): boolean {
  const spec = (pod.spec ?? {}) as PodSpec;
  const phase = (pod.status as PodStatus | undefined)?.phase;
  return (
    (spec.schedulerName ?? DEFAULT_SCHEDULER_NAME) === DEFAULT_SCHEDULER_NAME &&
    !spec.nodeName &&
    !pod.metadata.deletionTimestamp &&
    !spec.schedulingGates?.length &&
    phase !== "Succeeded" &&
    phase !== "Failed"
  );
}

/** PrioritySort: higher spec.priority first, then older first. */
function queueOrder(a: KObject, b: KObject): number {
  const pa = (a.spec as PodSpec | undefined)?.priority ?? 0;
  const pb = (b.spec as PodSpec | undefined)?.priority ?? 0;
  if (pa !== pb) return pb - pa;
  const ta = a.metadata.creationTimestamp ?? "";
  const tb = b.metadata.creationTimestamp ?? "";
  return ta < tb ? -1 : ta > tb ? 1 : keyString(keyOf(a)).localeCompare(keyString(keyOf(b)));
}

/** The wait before retrying a pod that failed `attempts` times: 1 s doubling, at most 10 s. */
export function podBackoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
}

const truncate = (m: string) => (m.length <= EVENT_MESSAGE_LIMIT ? m : `${m.slice(0, EVENT_MESSAGE_LIMIT - 4)} ...`);

/** Sets PodScheduled=False with this reason and message, unless it already says so; and records FailedScheduling. */
async function reportFailure(ctx: ReconcileContext, pod: KObject, reason: string, message: string): Promise<void> {
  ctx.recorder.event(pod, "Warning", "FailedScheduling", truncate(message));
  const conditions = (pod.status as PodStatus | undefined)?.conditions ?? [];
  const old = conditions.find((c) => c.type === "PodScheduled");
  if (old && old.status === "False" && old.reason === reason && old.message === message) return;
  const condition = {
    type: "PodScheduled",
    status: "False",
    reason,
    message,
    lastProbeTime: null,
    lastTransitionTime: old?.status === "False" && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(ctx.now()),
  };
  const { namespace, name } = keyOf(pod);
  try {
    // Conditioned on the version scheduled: a pod bound meanwhile (by a binding or another scheduler) keeps its status.
    await ctx.client.patch("pods", namespace, name, { metadata: { resourceVersion: pod.metadata.resourceVersion }, status: { conditions: [...conditions.filter((c) => c !== old), condition] } }, "status");
  } catch {
    // The pod is gone or changed; it is retried (or dropped) from the queue either way.
  }
}

/**
 * Carry out a preemption as kube-scheduler does: each victim gets the
 * DisruptionTarget condition and a Preempted event and is deleted
 * (gracefully); the preemptor is nominated to the node (status.nominatedNodeName)
 * and bound there by a later cycle, once the victims are gone.
 */
async function preempt(ctx: ReconcileContext, pod: KObject, node: string, victims: KObject[]): Promise<void> {
  for (const v of victims) {
    const { namespace, name } = keyOf(v);
    const conditions = ((v.status as PodStatus | undefined)?.conditions ?? []).filter((c) => c.type !== "DisruptionTarget");
    const condition = { type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler", message: `${DEFAULT_SCHEDULER_NAME}: preempting to accommodate a higher priority pod`, lastTransitionTime: rfc3339(ctx.now()) };
    await ctx.client.patch("pods", namespace, name, { status: { conditions: [...conditions, condition] } }, "status").catch(() => undefined);
    ctx.recorder.event(v, "Normal", "Preempted", `Preempted by pod ${pod.metadata.uid ?? ""} on node ${node}`);
    await ctx.client.delete("pods", namespace, name).catch(() => undefined);
  }
  const { namespace, name } = keyOf(pod);
  await ctx.client.patch("pods", namespace, name, { status: { nominatedNodeName: node } }, "status").catch(() => undefined);
}

/** Schedule and bind the pods this scheduler is responsible for. */
export async function scheduleBatch(pods: KObject[], ctx: ReconcileContext, sched: Scheduler): Promise<BatchResult> {
  const result: BatchResult = { bound: 0, failed: [], failures: new Map() };
  const inFlight = new Set<Promise<void>>();
  const track = async (write: Promise<void>) => {
    const p = write.finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inFlight);
  };

  const bind = async (pod: KObject, node: string) => {
    const { namespace, name } = keyOf(pod);
    try {
      await ctx.client.bind(namespace, name, node);
    } catch (e) {
      sched.cache.forget(pod);
      // Deleted meanwhile, or already bound by someone else: nothing left to do.
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
      result.failed.push(pod);
      return reportFailure(ctx, pod, "SchedulerError", e instanceof Error ? e.message : String(e));
    }
    result.bound++;
    ctx.recorder.event(pod, "Normal", "Scheduled", `Successfully assigned ${namespace}/${name} to ${node}`);
  };

  const queue = pods.filter((p) => needsScheduling(p) && !sched.cache.isAssumed(p)).sort(queueOrder);
  let slice = 0;
  for (const pod of queue) {
    if (++slice > PODS_PER_SLICE) {
      slice = 1;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const r = sched.scheduleOne(pod);
    if ("node" in r) {
      sched.cache.assume(pod, r.node);
      await track(bind(pod, r.node));
    } else {
      result.failed.push(pod);
      result.failures.set(keyString(keyOf(pod)), r.failure);
      // PostFilter: preempt lower-priority pods, or say why that cannot help.
      const p = sched.preempt(pod);
      if ("node" in p) {
        // Room is held for it there at once, so lower-priority pods do not take what its victims free.
        sched.cache.nominate(pod, p.node);
        await track(preempt(ctx, pod, p.node, p.victims));
        await track(reportFailure(ctx, pod, "Unschedulable", r.failure.message));
      } else {
        await track(reportFailure(ctx, pod, "Unschedulable", p.message ? `${r.failure.message} ${p.message}` : r.failure.message));
      }
    }
  }
  await Promise.all(inFlight);
  return result;
}
