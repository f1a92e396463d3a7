/**
 * kube-scheduler's scheduling queue, as a loop of the controller manager:
 * pending pods (activeQ) are placed in batches as soon as they appear. A pod
 * that does not fit is parked; a cluster event that may let it fit (a node
 * added, a pod deleted — kube-scheduler's queueing hints) brings it back
 * after its back-off (1 s doubling to 10 s per attempt), and a parked pod is
 * retried anyway after 5 minutes. An event during the pod's own attempt
 * counts too (kube-scheduler's moveRequestCycle): a preemption's victim may
 * be gone before its preemptor is parked.
 */
import type { KObject } from "../registry/types.js";
import type { Lister, ReconcileContext, Resource } from "../controllers/types.js";
import type { Loop } from "../controllers/runtime/manager.js";
import type { ChangeType } from "../controllers/runtime/informer.js";
import { Scheduler, lookupFromLister, scheduleBatch, needsScheduling, podBackoffMs, mayBecomeSchedulable, DEFAULT_SCHEDULER_NAME, type ClusterEvent, type FitFailure } from "./index.js";

interface Waiting {
  pod: KObject;
  failure: FitFailure;
  /** When it was last tried; the back-off counts from here. */
  triedAt: number;
  retryAt: number;
}

/** podMaxInUnschedulablePodsDuration. */
const PARKED_MS = 5 * 60_000;
/** Past this many events during one batch, every failed pod just backs off. */
const MAX_EVENTS_DURING_BATCH = 10_000;
const GONE = Symbol("gone");

const keyOf = (p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`;

export class SchedulingQueue implements Loop {
  readonly name = "scheduler";
  readonly component = DEFAULT_SCHEDULER_NAME;
  readonly resources: Resource[] = ["pods", "nodes", "persistentvolumeclaims", "persistentvolumes", "namespaces", "poddisruptionbudgets.policy"];
  private sched: Scheduler;
  private active = new Map<string, KObject>();
  private unschedulable = new Map<string, Waiting>();
  /** Scheduling attempts per pending pod, for its back-off. */
  private tries = new Map<string, number>();
  /** Pods in the batch being scheduled: the newest version seen meanwhile (GONE once deleted or bound elsewhere). */
  private inFlight = new Map<string, KObject | typeof GONE | undefined>();
  /** Cluster events seen while a batch runs (undefined between batches). */
  private duringBatch: ClusterEvent[] | undefined;
  private timer?: ReturnType<typeof setTimeout>;
  private wake: () => void = () => {};
  attempts = 0;
  bound = 0;
  failures = 0;
  /** Milliseconds from a pod's creation to its binding, summed (with count = bound) for latency metrics. */
  latencyMs = 0;

  constructor(lister: Lister, private now: () => number = Date.now) {
    this.sched = new Scheduler({ lookup: lookupFromLister(lister) });
  }

  attach(wake: () => void): void {
    this.wake = wake;
  }

  onChange(resource: Resource, type: ChangeType, obj: KObject, old: KObject | undefined): void {
    if (resource === "nodes") this.sched.cache.onNode(type, obj);
    if (resource === "pods") {
      this.sched.cache.onPod(type, obj);
      const k = keyOf(obj);
      if (type !== "DELETED" && needsScheduling(obj)) {
        if (this.inFlight.has(k)) this.inFlight.set(k, obj);
        else if (!this.unschedulable.has(k)) this.active.set(k, obj);
        else this.unschedulable.get(k)!.pod = obj;
      } else {
        if (this.inFlight.has(k)) this.inFlight.set(k, GONE);
        this.active.delete(k);
        this.unschedulable.delete(k);
        this.tries.delete(k);
      }
    }
    const event = { resource, type, obj, old };
    if (this.duringBatch && this.duringBatch.length < MAX_EVENTS_DURING_BATCH) this.duringBatch.push(event);
    if (!this.unschedulable.size) return;
    let woke = false;
    for (const [k, w] of this.unschedulable) {
      if (w.retryAt > w.triedAt + podBackoffMs(this.tries.get(k) ?? 1) && mayBecomeSchedulable(event, w.failure)) {
        w.retryAt = w.triedAt + podBackoffMs(this.tries.get(k) ?? 1);
        woke = true;
      }
    }
    if (woke) this.arm();
  }

  async run(ctx: ReconcileContext): Promise<void> {
    const now = this.now();
    for (const [k, w] of this.unschedulable) {
      if (w.retryAt <= now) {
        this.unschedulable.delete(k);
        this.active.set(k, w.pod);
      }
    }
    if (!this.active.size) return this.arm();
    const pods = [...this.active.values()];
    this.active.clear();
    this.attempts += pods.length;
    for (const p of pods) this.inFlight.set(keyOf(p), undefined);
    this.duringBatch = [];
    let r: Awaited<ReturnType<typeof scheduleBatch>>;
    const seen = this.inFlight;
    try {
      r = await scheduleBatch(pods, ctx, this.sched);
    } finally {
      this.inFlight = new Map();
    }
    const events = this.duringBatch ?? [];
    this.duringBatch = undefined;
    this.bound += r.bound;
    for (const p of pods) {
      const k = keyOf(p);
      const failure = r.failures.get(k);
      if (!failure) {
        this.tries.delete(k);
        this.latencyMs += Math.max(0, this.now() - Date.parse(p.metadata.creationTimestamp ?? ""));
        continue;
      }
      this.failures++;
      const newest = seen.get(k);
      if (newest === GONE) {
        // Deleted (or bound by someone else) during its attempt: nothing to retry.
        this.tries.delete(k);
        continue;
      }
      this.tries.set(k, (this.tries.get(k) ?? 0) + 1);
      const t = this.now();
      // Something that happened during the attempt may already have helped: back off instead of parking.
      const helped = events.length >= MAX_EVENTS_DURING_BATCH || events.some((e) => mayBecomeSchedulable(e, failure));
      this.unschedulable.set(k, { pod: newest ?? p, failure, triedAt: t, retryAt: t + (helped ? podBackoffMs(this.tries.get(k)!) : PARKED_MS) });
    }
    this.arm();
  }

  /** One timer for the earliest back-off expiry. */
  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next = Infinity;
    for (const w of this.unschedulable.values()) next = Math.min(next, w.retryAt);
    if (next < Infinity) this.timer = setTimeout(() => this.wake(), Math.max(0, next - this.now()));
  }

  stats() {
    return { pending: this.active.size, unschedulable: this.unschedulable.size, attempts: this.attempts, bound: this.bound, failures: this.failures, latencyMs: this.latencyMs };
  }
}
