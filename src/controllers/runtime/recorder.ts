/**
 * Records core/v1 Events as client-go's recorder does, through its
 * EventCorrelator, so `kubectl describe` shows what it shows on a real
 * cluster and a busy controller cannot flood the store:
 * - aggregation: once an object has 10 events of the same type and reason
 *   with different messages within 10 minutes, the rest go to one Event
 *   "(combined from similar events): <latest message>" whose count grows;
 * - dedup: an event equal to one seen before (same message too) bumps count
 *   and lastTimestamp on the existing Event instead of creating another;
 * - spam filter: each source and object gets a token bucket of 25 writes,
 *   refilled one per 5 minutes; an event without a token is dropped (its
 *   count still advances, so the next write carries the true total).
 * A ReplicaSet creating 1,000 pods thus writes 25 Events, as in Kubernetes.
 * Writes are fire-and-forget; a failed event never fails a reconcile.
 */
import { ApiError } from "../../apimachinery/status.js";
import type { KObject } from "../../registry/types.js";
import { TokenBuckets } from "../../limits/token-bucket.js";
import { rfc3339 } from "../common/time.js";
import type { ClusterClient, EventRecorder, EventType } from "../types.js";

/** client-go's defaults (tools/record/events_cache.go). */
export const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
export const SPAM_BURST = 25;
/** One token per 5 minutes. */
const SPAM_QPS = 1 / 300;
const MAX_REMEMBERED = 4096;
export const COMBINED_PREFIX = "(combined from similar events): ";

interface Observed {
  name: string;
  count: number;
  /** firstTimestamp of the Event. */
  first: string;
}

interface Aggregate {
  messages: Set<string>;
  last: number;
}

/** A map that forgets its oldest entry past MAX_REMEMBERED (client-go's LRU caches). */
function remember<V>(m: Map<string, V>, key: string, value: V): void {
  m.delete(key);
  if (m.size >= MAX_REMEMBERED) m.delete(m.keys().next().value as string);
  m.set(key, value);
}

export class Recorder implements EventRecorder {
  private observed = new Map<string, Observed>();
  private aggregates = new Map<string, Aggregate>();
  /** EventSourceObjectSpamFilter: a token bucket per source and object. */
  private spam: TokenBuckets;
  /** Events the spam filter dropped. */
  dropped = 0;
  /** The last name suffix handed out, in nanoseconds (client-go names Events <object>.<UnixNano hex>). */
  private lastNano = 0n;

  constructor(
    private client: ClusterClient,
    private component: string,
    private now: () => number = Date.now,
  ) {
    this.spam = new TokenBuckets(SPAM_QPS, SPAM_BURST, now);
  }

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    const now = this.now();
    const ts = rfc3339(now);
    const m = obj.metadata;
    const source = `${this.component}|${obj.kind}|${m.namespace ?? ""}|${m.name}|${m.uid ?? ""}|${obj.apiVersion}`;

    // EventAggregate: past 10 different messages, one combined Event per source, object, type and reason.
    const aggKey = `${source}|${type}|${reason}`;
    let agg = this.aggregates.get(aggKey);
    if (!agg || now - agg.last > AGGREGATE_INTERVAL_MS) agg = { messages: new Set(), last: now };
    agg.messages.add(message);
    agg.last = now;
    remember(this.aggregates, aggKey, agg);
    let key = `${aggKey}|${message}`;
    if (agg.messages.size >= AGGREGATE_MAX_EVENTS) {
      agg.messages.delete(agg.messages.values().next().value as string);
      key = aggKey;
      message = COMBINED_PREFIX + message;
    }

    // eventObserve: a repeat of a known Event is a count bump on it.
    const prev = this.observed.get(key);
    const ns = m.namespace || "default";
    const seen: Observed = prev ? { ...prev, count: prev.count + 1 } : { name: `${m.name}.${this.nano(now).toString(16)}`, count: 1, first: ts };
    remember(this.observed, key, seen);

    if (!this.spam.take(source).ok) {
      this.dropped++;
      return;
    }

    const ev: KObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: seen.name, namespace: ns },
      involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion },
      reason,
      message,
      type,
      count: seen.count,
      firstTimestamp: seen.first,
      lastTimestamp: ts,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
    };
    const forget = () => {
      if (this.observed.get(key) === seen) this.observed.delete(key);
    };
    const create = () => this.client.create("events", ev).then(() => undefined, forget);
    if (!prev) return void create();
    // A repeat patches the Event; if it is gone (expired, deleted, or its create was dropped), it is created
    // anew, and if that create finds it there after all (its first create was still in flight), patched again.
    const patch = () => this.client.patch("events", ns, seen.name, { count: seen.count, lastTimestamp: ts, message });
    const recreate = () => this.client.create("events", ev).then(() => undefined, (e) => (e instanceof ApiError && e.code === 409 ? patch().then(() => undefined, forget) : forget()));
    void patch().catch((e) => (e instanceof ApiError && e.code === 404 ? recreate() : forget()));
  }

  /**
   * A name suffix unique within this recorder: the clock in nanoseconds, moved past the last one handed out
   * (a controller records many events in one millisecond, and a frozen test clock records all of them in one).
   */
  private nano(now: number): bigint {
    let n = BigInt(now) * 1_000_000n + BigInt(Math.floor(Math.random() * 1000));
    if (n <= this.lastNano) n = this.lastNano + 1n;
    return (this.lastNano = n);
  }
}
