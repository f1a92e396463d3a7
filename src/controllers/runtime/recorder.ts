/**
 * Records core/v1 Events the way client-go's recorder does: an event
 * repeated for the same object, reason and message bumps count and
 * lastTimestamp on the existing Event instead of creating a new one. Writes
 * are fire-and-forget; a failed event never fails a reconcile.
 */
import type { KObject } from "../../registry/types.js";
import type { ClusterClient, EventRecorder, EventType } from "../types.js";

interface Seen {
  name: string;
  namespace: string;
  count: number;
  first: string;
  /** When the Event object was last written. */
  writtenAt: number;
}

/**
 * A repeat is written at most this often per event (client-go's spam filter
 * does the like); the count still includes every occurrence.
 */
const REPEAT_WRITE_INTERVAL_MS = 10_000;

const MAX_REMEMBERED = 4096;

export class Recorder implements EventRecorder {
  private seen = new Map<string, Seen>();
  recorded = 0;

  constructor(
    private client: ClusterClient,
    private component: string,
    private now: () => number = Date.now,
  ) {}

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    const ns = obj.metadata.namespace || "default";
    const key = `${obj.metadata.uid}|${type}|${reason}|${message}`;
    const ts = new Date(this.now()).toISOString().replace(/\.\d+Z$/, "Z");
    const prev = this.seen.get(key);
    this.recorded++;
    if (prev) {
      prev.count++;
      if (this.now() - prev.writtenAt < REPEAT_WRITE_INTERVAL_MS) return;
      prev.writtenAt = this.now();
      void this.client.patch("events", prev.namespace, prev.name, { count: prev.count, lastTimestamp: ts }).catch(() => this.seen.delete(key));
      return;
    }
    if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value as string);
    const name = `${obj.metadata.name}.${(this.now() * 1000 + Math.floor(Math.random() * 1000)).toString(16)}`;
    this.seen.set(key, { name, namespace: ns, count: 1, first: ts, writtenAt: this.now() });
    const ev: KObject = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      source: { component: this.component },
      reportingComponent: this.component,
      reportingInstance: this.component,
    };
    void this.client.create("events", ev).catch(() => this.seen.delete(key));
  }
}
