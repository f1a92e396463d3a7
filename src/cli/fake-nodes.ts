/**
 * Fake nodes, like KWOK: `npm run fake-nodes -- --count N` registers N Nodes,
 * keeps their Leases renewed, and plays kubelet for pods bound to them:
 * Running with an IP as soon as they are bound, and gone when deleted. For
 * tests and benchmarks of the scheduler and controllers without containers.
 * As N independent kubelets would, each node renews on its own phase (the
 * renewals are spread over the interval, not sent as one burst), and a node
 * the node lifecycle controller marked Unknown while it was alive (an
 * overloaded control plane) posts Ready again, as the kubelet's status loop
 * does.
 */
import { existsSync } from "node:fs";
import { KubeClient, KubeError } from "./kube-client.js";
import { loadKubeconfig } from "./kubeconfig.js";
import { parallel } from "./parallel.js";
import { renewLease, timeNow } from "../../agent/src/kubelet/lease.js";

export interface FakeNodeOptions {
  kubeconfig: string;
  count: number;
  prefix?: string;
  cpu?: string;
  memory?: string;
  pods?: number;
  /** Lease renewal period (default 10 s, as the kubelet). */
  leaseIntervalMs?: number;
  labels?: Record<string, string>;
  taints?: { key: string; value?: string; effect: string }[];
  log?: (m: string) => void;
}

type Pod = {
  metadata: { name: string; namespace: string; uid?: string; deletionTimestamp?: string; resourceVersion?: string };
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status?: { phase?: string };
};

const now = timeNow;
/** Lease renewals in flight at once, on connections of their own (pod status never queues behind them, as with separate kubelets). */
const RENEWALS_IN_FLIGHT = 32;
/** A pod status that did not get through is sent again after this long (the kubelet syncs every 10 s; fake nodes are impatient). */
const RESEND_MS = 1000;

export class FakeNodes {
  readonly client: KubeClient;
  private leases: KubeClient;
  /** The Leases' spec.leaseDurationSeconds: 40 s, or four renewal intervals when they are longer (the kubelet renews at a quarter). */
  private leaseSeconds: number;
  readonly names: string[];
  /** Each node's position in names (its IP ranges). */
  private readonly index: Map<string, number>;
  private timers: ReturnType<typeof setInterval>[] = [];
  private stopWatches: (() => void)[] = [];
  /** Nodes with a renewal or a status post in flight (never two at once for one node). */
  private renewing = new Set<string>();
  private healing = new Set<string>();
  private ipCounter = new Map<string, number>();
  private started = new Set<string>();
  /** Status updates to send again (the kubelet's status manager syncs until one gets through). */
  private resends = new Set<ReturnType<typeof setTimeout>>();
  podsStarted = 0;

  constructor(private o: FakeNodeOptions) {
    this.client = new KubeClient(loadKubeconfig(o.kubeconfig), 64);
    this.leases = new KubeClient(loadKubeconfig(o.kubeconfig), RENEWALS_IN_FLIGHT);
    this.leaseSeconds = Math.max(40, Math.ceil((4 * (o.leaseIntervalMs ?? 10_000)) / 1000));
    const prefix = o.prefix ?? "fake-node";
    this.names = Array.from({ length: o.count }, (_, i) => `${prefix}-${i}`);
    this.index = new Map(this.names.map((n, i) => [n, i]));
  }

  private nodeObject(name: string, i: number) {
    const ready = { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastHeartbeatTime: now(), lastTransitionTime: now() };
    const cond = (type: string, reason: string) => ({ type, status: "False", reason, message: `kubelet has no ${type}`, lastHeartbeatTime: now(), lastTransitionTime: now() });
    const capacity = { cpu: this.o.cpu ?? "4", memory: this.o.memory ?? "16Gi", pods: String(this.o.pods ?? 110), "ephemeral-storage": "100Gi" };
    return {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        labels: {
          "kubernetes.io/hostname": name,
          "kubernetes.io/os": "linux",
          "kubernetes.io/arch": "amd64",
          "topology.kubernetes.io/zone": `zone-${i % 3}`,
          type: "fake",
          ...this.o.labels,
        },
        annotations: { "edgeplane.dev/fake": "true" },
      },
      spec: this.o.taints?.length ? { taints: this.o.taints } : {},
      status: {
        capacity,
        allocatable: capacity,
        conditions: [ready, cond("MemoryPressure", "KubeletHasSufficientMemory"), cond("DiskPressure", "KubeletHasNoDiskPressure"), cond("PIDPressure", "KubeletHasSufficientPID")],
        addresses: [
          { type: "InternalIP", address: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` },
          { type: "Hostname", address: name },
        ],
        nodeInfo: {
          kubeletVersion: "v1.30.0-fake",
          kubeProxyVersion: "v1.30.0-fake",
          containerRuntimeVersion: "fake://1.0",
          osImage: "Fake OS",
          kernelVersion: "0.0.0-fake",
          operatingSystem: "linux",
          architecture: "amd64",
          machineID: name,
          systemUUID: name,
          bootID: name,
        },
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      },
    };
  }

  async start(): Promise<void> {
    await parallel(this.names, 32, async (name) => {
      try {
        await this.client.post("/api/v1/nodes", this.nodeObject(name, this.index.get(name)!));
      } catch (e) {
        if (!(e instanceof KubeError && e.code === 409)) throw e;
        await this.client.mergePatch(`/api/v1/nodes/${name}/status`, { status: this.nodeObject(name, this.index.get(name)!).status });
      }
    });
    await parallel(this.names, RENEWALS_IN_FLIGHT, (name) => renewLease(this.leases, name, this.leaseSeconds));
    this.spreadRenewals(this.o.leaseIntervalMs ?? 10_000);
    const mine = new Set(this.names);
    this.stopWatches.push(
      this.client.watch(
        "/api/v1/nodes",
        (type, obj) => {
          const node = obj as unknown as { metadata: { name: string; deletionTimestamp?: string }; status?: { conditions?: { type: string; status: string }[] } };
          const name = node.metadata.name;
          if (type === "DELETED" || !mine.has(name) || node.metadata.deletionTimestamp) return;
          if (node.status?.conditions?.find((c) => c.type === "Ready")?.status !== "True") this.postReady(name, this.index.get(name)!);
        },
        (e) => this.o.log?.(`node watch: ${(e as Error).message}`),
      ),
    );
    this.stopWatches.push(
      // Bound pods only (as a kubelet's spec.nodeName=<node>, for all these nodes at once): the server filters out the unscheduled ones.
      this.client.watch(
        "/api/v1/pods?fieldSelector=spec.nodeName%21%3D",
        (type, obj) => {
          const pod = obj as unknown as Pod;
          if (type === "DELETED") this.started.delete(pod.metadata.uid ?? "");
          if (type === "DELETED" || !pod.spec.nodeName || !mine.has(pod.spec.nodeName)) return;
          void this.handle(pod).catch((e) => this.o.log?.(`pod ${pod.metadata.namespace}/${pod.metadata.name}: ${(e as Error).message}`));
        },
        (e) => this.o.log?.(`watch: ${(e as Error).message}`),
      ),
    );
  }

  /** Renew every node's Lease once per interval, a few nodes every tick, so the load is even. */
  private spreadRenewals(intervalMs: number): void {
    const tickMs = Math.min(100, intervalMs);
    let next = 0;
    let due = 0;
    this.timers.push(
      setInterval(() => {
        // Renewals the server has not answered yet hold later ones back (a slow server is not sent a growing queue).
        due = Math.min(this.names.length, due + (this.names.length * tickMs) / intervalMs);
        for (; due >= 1 && this.renewing.size < RENEWALS_IN_FLIGHT; due--) {
          const name = this.names[next];
          next = (next + 1) % this.names.length;
          if (this.renewing.has(name)) continue;
          this.renewing.add(name);
          renewLease(this.leases, name, this.leaseSeconds)
            .catch((e) => this.o.log?.(`lease renewal of ${name}: ${(e as Error).message}`))
            .finally(() => this.renewing.delete(name));
        }
      }, tickMs),
    );
  }

  /** The kubelet's status loop: a live node whose Ready condition is not True posts its real status again. */
  private postReady(name: string, i: number): void {
    if (this.healing.has(name)) return;
    this.healing.add(name);
    this.client
      .mergePatch(`/api/v1/nodes/${name}/status`, { status: { conditions: this.nodeObject(name, i).status.conditions } })
      .catch((e) => this.o.log?.(`status of ${name}: ${(e as Error).message}`))
      .finally(() => this.healing.delete(name));
  }

  private async handle(pod: Pod): Promise<void> {
    const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}`;
    if (pod.metadata.deletionTimestamp) {
      // The containers are "stopped": confirm the deletion, as the kubelet does.
      await this.client.delete(path, { gracePeriodSeconds: 0 }).catch((e) => {
        if (!(e instanceof KubeError && e.code === 404)) throw e;
      });
      return;
    }
    const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
    // By uid: a StatefulSet's pod comes back under the same name and must start again.
    const uid = pod.metadata.uid ?? id;
    if (pod.status?.phase === "Running" || this.started.has(uid)) return;
    this.started.add(uid);
    const node = pod.spec.nodeName!;
    const i = this.index.get(node) ?? 0;
    const n = (this.ipCounter.get(node) ?? 0) + 1;
    this.ipCounter.set(node, n);
    const ip = `10.${64 + Math.floor(i / 256)}.${i % 256}.${(n % 250) + 2}`;
    const t = now();
    const ready = (type: string) => ({ type, status: "True", lastProbeTime: null, lastTransitionTime: t });
    const sent = this.client.mergePatch(`${path}/status`, {
      status: {
        phase: "Running",
        podIP: ip,
        podIPs: [{ ip }],
        hostIP: `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`,
        startTime: t,
        conditions: [ready("PodReadyToStartContainers"), ready("Initialized"), ready("Ready"), ready("ContainersReady"), ready("PodScheduled")],
        containerStatuses: pod.spec.containers.map((c) => ({
          name: c.name,
          image: c.image,
          imageID: `fake://${c.image}`,
          containerID: `fake://${id}/${c.name}`,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: t } },
        })),
      },
    });
    try {
      await sent;
    } catch (e) {
      this.started.delete(uid);
      if (!(e instanceof KubeError && e.code === 404)) {
        const t = setTimeout(() => {
          this.resends.delete(t);
          void this.handle(pod).catch((e2) => this.o.log?.(`pod ${id}: ${(e2 as Error).message}`));
        }, RESEND_MS);
        this.resends.add(t);
      }
      throw e;
    }
    this.podsStarted++;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const t of this.resends) clearTimeout(t);
    for (const stop of this.stopWatches) stop();
    await this.client.close();
    await this.leases.close();
  }
}

// CLI: npm run fake-nodes -- --count N [--prefix P] [--kubeconfig PATH] [--cpu 4] [--memory 16Gi]
if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const arg = (name: string, def?: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
  const usage = "usage: npm run fake-nodes -- [--count N] [--prefix P] [--kubeconfig PATH] [--cpu 4] [--memory 16Gi] [--pods 110] [--lease-interval SECONDS]";
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage);
    process.exit(0);
  }
  const kubeconfig = arg("kubeconfig", process.env.KUBECONFIG ?? `${process.env.EDGEPLANE_HOME ?? ".edgeplane"}/kubeconfig`)!;
  const count = Number(arg("count", "3"));
  if (!Number.isInteger(count) || count < 1) {
    console.error(`fake-nodes: --count must be a positive integer\n${usage}`);
    process.exit(2);
  }
  if (!existsSync(kubeconfig)) {
    console.error(`fake-nodes: no kubeconfig at ${kubeconfig}: start the control plane with npm start first, or pass --kubeconfig PATH\n${usage}`);
    process.exit(2);
  }
  const fake = new FakeNodes({
    kubeconfig,
    count,
    prefix: arg("prefix"),
    cpu: arg("cpu"),
    memory: arg("memory"),
    pods: arg("pods") ? Number(arg("pods")) : undefined,
    leaseIntervalMs: arg("lease-interval") ? Number(arg("lease-interval")) * 1000 : undefined,
    log: (m) => console.error(m),
  });
  await fake.start();
  console.log(`${fake.names.length} fake nodes registered (${fake.names[0]} … ${fake.names[fake.names.length - 1]}); Ctrl-C to stop`);
  const stop = async () => {
    await fake.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
