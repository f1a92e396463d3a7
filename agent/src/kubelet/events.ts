/**
 * Events as the kubelet records them (source component "kubelet", host =
 * node): Pulling, Pulled, Created, Started, Killing, BackOff, Unhealthy ...
 * A repeat of the same event within the hour bumps its count and
 * lastTimestamp instead of writing a new object, as client-go's correlator
 * does. Best effort: a failed write never blocks a pod.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { KubeClient } from "../../../src/cli/kube-client.js";
import { timeNow } from "./lease.js";

interface Seen {
  name: string;
  count: number;
  at: number;
}

export class EventRecorder {
  private seen = new Map<string, Seen>();
  private seq = 0;

  constructor(
    private client: KubeClient,
    private node: string,
    private log: (m: string) => void = () => {},
  ) {}

  pod(pod: Pod, type: "Normal" | "Warning", reason: string, message: string, fieldPath?: string): void {
    const m = pod.metadata!;
    void this.emit(m.namespace ?? "default", { kind: "Pod", namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: "v1", resourceVersion: m.resourceVersion, ...(fieldPath ? { fieldPath } : {}) }, type, reason, message);
  }

  node_(type: "Normal" | "Warning", reason: string, message: string): void {
    void this.emit("default", { kind: "Node", name: this.node, uid: this.node, apiVersion: "v1" }, type, reason, message);
  }

  private async emit(ns: string, involved: Record<string, unknown>, type: string, reason: string, message: string): Promise<void> {
    const key = `${involved.uid}|${involved.fieldPath ?? ""}|${reason}|${message}`;
    const now = timeNow();
    const prev = this.seen.get(key);
    try {
      if (prev && Date.now() - prev.at < 3_600_000) {
        prev.count++;
        prev.at = Date.now();
        await this.client.mergePatch(`/api/v1/namespaces/${ns}/events/${prev.name}`, { count: prev.count, lastTimestamp: now });
        return;
      }
      const name = `${involved.name}.${(Date.now() * 1000 + (this.seq++ % 1000)).toString(16)}`;
      await this.client.post(`/api/v1/namespaces/${ns}/events`, {
        apiVersion: "v1",
        kind: "Event",
        metadata: { name, namespace: ns },
        involvedObject: involved,
        reason,
        message,
        type,
        source: { component: "kubelet", host: this.node },
        reportingComponent: "kubelet",
        reportingInstance: this.node,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      });
      this.seen.set(key, { name, count: 1, at: Date.now() });
      if (this.seen.size > 4096) this.seen.delete(this.seen.keys().next().value!);
    } catch (e) {
      this.seen.delete(key);
      this.log(`event ${reason}: ${(e as Error).message}`);
    }
  }
}
