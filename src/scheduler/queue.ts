/**
 * kube-scheduler's scheduling queue, as a loop of the controller manager:
 * pending pods (activeQ) are placed in batches as soon as they appear;
 * unschedulable ones wait with back-off (1 s doubling to 10 s) and come back
 * at once when a cluster event may let them fit (a node added, a pod
 * deleted), as kube-scheduler's queueing hints decide.
 */
import type { KObject } from "../registry/types.js";
import type { Lister, ReconcileContext, Resource } from "../controllers/types.js";
import type { Loop } from "../controllers/runtime/manager.js";
import type { ChangeType } from "../controllers/runtime/informer.js";
import { Scheduler, lookupFromLister, scheduleBatch, needsScheduling, podBackoffMs, mayBecomeSchedulable, type FitFailure } from "./index.js";

interface Waiting {
  pod: KObject;
  failure: FitFailure;
  attempts: number;
  retryAt: number;
}

const keyOf = (p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`;

export class SchedulingQueue implements Loop {
  readonly name = "scheduler";
  readonly resources: Resource[] = ["pods", "nodes", "persistentvolumeclaims", "persistentvolumes", "namespaces"];
  private sched: Scheduler;
  private active = new Map<string, KObject>();
  private unschedulable = new Map<string, Waiting>();
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
        if (!this.unschedulable.has(k)) this.active.set(k, obj);
        else this.unschedulable.get(k)!.pod = obj;
      } else {
        this.active.delete(k);
        this.unschedulable.delete(k);
      }
    }
    if (!this.unschedulable.size) return;
    const event = { resource, type, obj, old };
    for (const [k, w] of this.unschedulable) {
      if (mayBecomeSchedulable(event, w.failure)) {
        this.unschedulable.delete(k);
        this.active.set(k, w.pod);
      }
    }
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
    const r = await scheduleBatch(pods, ctx, this.sched);
    this.bound += r.bound;
    for (const p of pods) {
      const k = keyOf(p);
      const failure = r.failures.get(k);
      if (!failure) {
        this.latencyMs += Math.max(0, this.now() - Date.parse(p.metadata.creationTimestamp ?? ""));
        continue;
      }
      this.failures++;
      const attempts = (this.unschedulable.get(k)?.attempts ?? 0) + 1;
      this.unschedulable.set(k, { pod: p, failure, attempts, retryAt: this.now() + podBackoffMs(attempts) });
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
