/**
 * Resource usage, as the kubelet's summary API feeds metrics-server: cpu (a
 * rate from two cumulative samples) and working-set memory per container
 * from the runtime, and for the node from /proc. Published as metrics.k8s.io
 * PodMetrics and NodeMetrics objects, which is what `kubectl top` and the
 * HPA read. PodMetrics are owned by their Pod, so they go when it does.
 */
import { readFileSync } from "node:fs";
import type { Pod } from "kubernetes-types/core/v1";
import { KubeError, type KubeClient } from "../../../src/cli/kube-client.js";
import type { Runtime } from "../runtime/types.js";
import type { Observed } from "./pod-state.js";

const METRICS = "/apis/metrics.k8s.io/v1beta1";

/** cpu in nanocores and memory in Ki, the units metrics-server reports. */
export const cpuQuantity = (nanocores: number) => `${Math.max(0, Math.round(nanocores))}n`;
export const memQuantity = (bytes: number) => `${Math.max(0, Math.round(bytes / 1024))}Ki`;

/** Rate of a cumulative counter (ns of cpu) between two samples (ms timestamps) → nanocores. */
export function rate(prev: { cpuNanos: number; timestamp: number } | undefined, cur: { cpuNanos: number; timestamp: number }): number | undefined {
  if (!prev || cur.timestamp <= prev.timestamp || cur.cpuNanos < prev.cpuNanos) return undefined;
  return ((cur.cpuNanos - prev.cpuNanos) / (cur.timestamp - prev.timestamp)) * 1000;
}

/** Node cpu (cumulative ns of non-idle time over all cpus) and memory in use, from /proc. */
export function nodeSample(): { cpuNanos: number; memoryBytes: number; timestamp: number } {
  const stat = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const hz = 100;
  const busy = stat.reduce((a, b) => a + b, 0) - (stat[3] ?? 0) - (stat[4] ?? 0);
  const mem = readFileSync("/proc/meminfo", "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(mem)?.[1] ?? 0) * 1024;
  return { cpuNanos: (busy / hz) * 1e9, memoryBytes: kb("MemTotal") - kb("MemAvailable"), timestamp: Date.now() };
}

export interface StatsSource {
  pods(): Pod[];
  lookup(namespace: string, name: string): { pod: Pod; observed: Observed } | undefined;
}

export class StatsPublisher {
  private prev = new Map<string, { cpuNanos: number; timestamp: number }>();
  private prevNode?: { cpuNanos: number; timestamp: number };
  private timer?: ReturnType<typeof setInterval>;
  private running = false;

  constructor(
    private client: KubeClient,
    private runtime: Runtime,
    private node: string,
    private source: StatsSource,
    private periodMs = 15_000,
    private log: (m: string) => void = () => {},
  ) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.periodMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async upsert(collection: string, name: string, body: Record<string, unknown>): Promise<void> {
    try {
      await this.client.mergePatch(`${collection}/${name}`, { timestamp: body.timestamp, window: body.window, ...(body.usage ? { usage: body.usage } : { containers: body.containers }) });
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 404)) throw e;
      await this.client.post(collection, body);
    }
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const window = `${Math.round(this.periodMs / 1000)}s`;
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const n = nodeSample();
      const nodeCpu = rate(this.prevNode, n);
      this.prevNode = n;
      if (nodeCpu !== undefined) await this.upsert(`${METRICS}/nodes`, this.node, { apiVersion: "metrics.k8s.io/v1beta1", kind: "NodeMetrics", metadata: { name: this.node, labels: { "kubernetes.io/hostname": this.node } }, timestamp: now, window, usage: { cpu: cpuQuantity(nodeCpu), memory: memQuantity(n.memoryBytes) } });
      const seen = new Set<string>();
      for (const pod of this.source.pods()) {
        if (pod.status?.phase !== "Running") continue;
        const f = this.source.lookup(pod.metadata!.namespace!, pod.metadata!.name!);
        if (!f) continue;
        const containers: { name: string; usage: { cpu: string; memory: string } }[] = [];
        let complete = true;
        for (const c of pod.spec?.containers ?? []) {
          const cur = f.observed.containers.get(c.name)?.[0];
          if (cur?.state !== "running") continue;
          const s = await this.runtime.stats(cur.id).catch(() => undefined);
          if (!s) continue;
          seen.add(cur.id);
          const r = rate(this.prev.get(cur.id), s);
          this.prev.set(cur.id, s);
          if (r === undefined) complete = false;
          containers.push({ name: c.name, usage: { cpu: cpuQuantity(r ?? 0), memory: memQuantity(s.memoryBytes) } });
        }
        if (!containers.length || !complete) continue;
        const m = pod.metadata!;
        await this.upsert(`${METRICS}/namespaces/${m.namespace}/pods`, m.name!, {
          apiVersion: "metrics.k8s.io/v1beta1",
          kind: "PodMetrics",
          metadata: { name: m.name, namespace: m.namespace, labels: m.labels, ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: m.name, uid: m.uid }] },
          timestamp: now,
          window,
          containers,
        }).catch((e) => this.log(`pod metrics ${m.namespace}/${m.name}: ${(e as Error).message}`));
      }
      for (const id of this.prev.keys()) if (!seen.has(id)) this.prev.delete(id);
    } catch (e) {
      this.log(`stats: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
