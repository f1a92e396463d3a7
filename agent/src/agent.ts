/**
 * One worker host's agent: the kubelet, kube-proxy and runtime roles wired
 * together. Every connection is outbound: API calls and watches, and the
 * node tunnel that carries logs/exec back. Stopping the agent leaves the
 * containers running (a restarted agent adopts them); the node goes NotReady
 * only when its Lease stops being renewed.
 */
import { Counter, Gauge, exposition } from "../../src/metrics/prom.js";
import { KubeClient, KubeError } from "../../src/cli/kube-client.js";
import { DockerRuntime } from "./runtime/docker.js";
import { hostFacts, pressure, type HostFacts } from "./kubelet/host.js";
import { nodeConditions, nodeObject, nodeStatus, AGENT_VERSION, type NodeCondition } from "./kubelet/node.js";
import { renewLease } from "./kubelet/lease.js";
import { Kubelet } from "./kubelet/kubelet.js";
import { nodeHandlers } from "./kubelet/handlers.js";
import { StatsPublisher } from "./kubelet/stats.js";
import { TunnelClient } from "./tunnel/client.js";
import { ServiceProxy } from "./proxy/index.js";
import { relayDialer, type RelayDialer } from "./proxy/relay.js";
import { ClusterDns } from "./dns/server.js";
import { CLUSTER_DNS_IP } from "./dns/records.js";
import { IngressController } from "./ingress/controller.js";
import { INGRESS_PORT_ANNOTATION, INGRESS_TLS_PORT_ANNOTATION } from "../../src/registry/kinds/networking/edgeplane-ingress.js";
import { selfSignedCert } from "./ingress/fake-cert.js";
import { serveLocal } from "./server.js";
import { instrumented, type OpStats } from "./runtime/instrumented.js";
import { probeResults } from "./kubelet/prober.js";

export interface AgentOptions {
  server: string;
  token: string;
  ca?: string;
  node: string;
  /** Docker Engine API endpoint: a socket path or DOCKER_HOST value. */
  runtime: string;
  dataDir: string;
  /** Local read-only endpoint (default 127.0.0.1:10255). */
  host?: string;
  port?: number;
  labels?: Record<string, string>;
  allowPrivileged?: boolean;
  /** Run the kube-proxy role (default true). */
  proxy?: boolean;
  /** Serve cluster DNS to pods (default true; needs the proxy and cluster IPs). */
  dns?: boolean;
  /** Serve Ingresses on this port (default 80; 0: any free port; false: not at all). Needs the proxy. */
  ingressPort?: number | false;
  /** ... and over HTTPS on this one (default 443; false: not). */
  ingressTlsPort?: number | false;
  /** Stats period (default 15 s). */
  statsPeriodMs?: number;
  log?: (m: string) => void;
}

/** A TCP port given as text ("0": any free one), or undefined when it is not one. */
export function parsePort(v: string): number | undefined {
  return /^\d{1,5}$/.test(v) && Number(v) <= 65535 ? Number(v) : undefined;
}

export class NodeAgent {
  readonly client: KubeClient;
  readonly runtime: DockerRuntime;
  private runtimeOps: Map<string, OpStats>;
  kubelet?: Kubelet;
  private tunnel?: TunnelClient;
  private proxy?: ServiceProxy;
  private dns?: ClusterDns;
  private ingress?: IngressController;
  /** The ports Ingresses are served on, once listening. */
  private ingressPort?: number;
  private ingressTlsPort?: number;
  /** The nameserver pods get (dnsPolicy ClusterFirst), once the cluster DNS address is on lo. */
  private clusterDns?: string;
  private stats?: StatsPublisher;
  private local?: { port: number; close(): void };
  private timers: ReturnType<typeof setInterval>[] = [];
  private conditions: NodeCondition[] = [];
  private facts!: HostFacts;
  private runtimeVersion = "";
  private lastNodeStatusAt = 0;
  private log: (m: string) => void;
  leaseOk = false;

  /** Service traffic to pods on other nodes goes through the control plane (no shared pod network). */
  private readonly relay: RelayDialer;

  constructor(readonly o: AgentOptions) {
    this.client = new KubeClient({ server: o.server, token: o.token, ca: o.ca }, 16);
    this.relay = relayDialer({ server: o.server, token: o.token, ca: o.ca });
    const r = instrumented(new DockerRuntime(o.runtime));
    this.runtime = r.runtime;
    this.runtimeOps = r.stats;
    this.log = o.log ?? ((m) => console.error(`${new Date().toISOString()} ${m}`));
  }

  async start(): Promise<void> {
    const v = await this.runtime.version().catch((e) => {
      throw new Error(`cannot reach the container runtime at ${this.o.runtime}: ${(e as Error).message}`);
    });
    this.runtimeVersion = `${v.name}://${v.version}`;
    this.facts = hostFacts(this.o.dataDir);
    this.kubelet = new Kubelet({
      client: this.client,
      runtime: this.runtime,
      node: this.o.node,
      dataDir: this.o.dataDir,
      hostIP: this.facts.internalIP,
      cpus: this.facts.cpus,
      memoryBytes: this.facts.memoryBytes,
      runtimeName: "docker",
      allowPrivileged: this.o.allowPrivileged,
      clusterDns: () => this.clusterDns,
      log: this.log,
    });
    const kubelet = this.kubelet;
    this.local = await serveLocal(
      {
        healthy: () => this.leaseOk,
        pods: () => kubelet.pods(),
        spec: () => ({ ...this.facts, runtime: this.runtimeVersion, agent: AGENT_VERSION }),
        metrics: () => this.metrics(),
      },
      this.o.host ?? "127.0.0.1",
      this.o.port ?? 10255,
    );
    if (this.o.proxy !== false && this.o.ingressPort !== false) await this.listenIngress(this.o.ingressPort ?? 80, this.o.ingressTlsPort ?? 443);
    await this.register();
    await this.heartbeat();
    this.timers.push(setInterval(() => void this.heartbeat(), 10_000));
    await kubelet.start();
    this.tunnel = new TunnelClient({ server: this.o.server, token: this.o.token, ca: this.o.ca, node: this.o.node, handlers: nodeHandlers(kubelet, this.runtime), log: this.log });
    if (this.o.proxy !== false) {
      this.proxy = new ServiceProxy({ client: this.client, nodeName: this.o.node, relay: this.relay, log: (level, m) => level !== "debug" && this.log(`proxy: ${m}`) });
      await this.proxy.start();
      // Cluster DNS on the conventional kube-dns address, answering from the proxy's view of Services.
      if (this.o.dns !== false && (await this.proxy.serveAddress(CLUSTER_DNS_IP))) {
        this.dns = new ClusterDns({ view: this.proxy.view(), address: CLUSTER_DNS_IP, log: (_l, m) => this.log(m) });
        await this.dns.start();
        this.clusterDns = CLUSTER_DNS_IP;
      }
      this.ingress?.start();
    }
    this.stats = new StatsPublisher(this.client, this.runtime, this.o.node, kubelet, this.o.statsPeriodMs ?? 15_000, this.log);
    this.stats.start();
    this.log(`node ${this.o.node} registered (${this.runtimeVersion}, ${this.facts.cpus} cpu, ${Math.round(this.facts.memoryBytes / 2 ** 20)} MiB); local endpoint http://${this.o.host ?? "127.0.0.1"}:${this.local.port}`);
  }

  private opts() {
    return { name: this.o.node, facts: this.facts, runtime: this.runtimeVersion, port: this.local?.port ?? 0, labels: this.o.labels, ingressPort: this.ingressPort, ingressTlsPort: this.ingressTlsPort };
  }

  /** The ingress controller role: its port is known before the Node is registered (the Node advertises it). */
  private async listenIngress(port: number, tlsPort: number | false): Promise<void> {
    // Routes resolve through the proxy's view, which start() brings up later; until then nothing matches.
    const ingress = new IngressController({ client: this.client, view: { service: (ns, n) => this.proxy?.view().service(ns, n), slices: (ns, s) => this.proxy?.view().slices(ns, s) ?? [] }, port, nodeName: this.o.node, relay: this.relay, log: this.log });
    const why = (e: unknown, flag: string) => {
      const code = (e as NodeJS.ErrnoException).code;
      return code === "EADDRINUSE" ? "another process (or agent on this host) holds it" : code === "EACCES" ? `no permission (run as root, or pass ${flag})` : (e as Error).message;
    };
    try {
      this.ingressPort = await ingress.listen();
      this.ingress = ingress;
    } catch (e) {
      this.log(`ingress: not serving Ingresses: cannot listen on :${port}: ${why(e, "--ingress-port")}`);
      return;
    }
    if (tlsPort !== false) {
      try {
        this.ingressTlsPort = await ingress.listenTls(tlsPort, selfSignedCert("Edgeplane Ingress Controller Fake Certificate"));
      } catch (e) {
        this.log(`ingress: not serving HTTPS: cannot listen on :${tlsPort}: ${why(e, "--ingress-tls-port")}`);
      }
    }
    this.log(`ingress: serving Ingresses on :${this.ingressPort}${this.ingressTlsPort ? ` and HTTPS :${this.ingressTlsPort}` : ""}`);
  }

  /** Create the Node, or take over an existing one (a restarted agent): status and labels are ours, spec (cordon, taints) stays. */
  private async register(): Promise<void> {
    this.conditions = nodeConditions(pressure(this.o.dataDir));
    const obj = nodeObject(this.opts(), this.conditions);
    try {
      await this.client.post("/api/v1/nodes", obj);
    } catch (e) {
      if (!(e instanceof KubeError && e.code === 409)) throw e;
      // A port left from an earlier run goes when this one does not serve Ingresses.
      await this.client.mergePatch(`/api/v1/nodes/${this.o.node}`, { metadata: { labels: obj.metadata.labels, annotations: { [INGRESS_PORT_ANNOTATION]: null, [INGRESS_TLS_PORT_ANNOTATION]: null, ...obj.metadata.annotations } } });
      await this.client.mergePatch(`/api/v1/nodes/${this.o.node}/status`, { status: obj.status });
    }
    this.lastNodeStatusAt = Date.now();
  }

  /** Lease every 10 s; node status when a condition changes, or each minute. */
  private async heartbeat(): Promise<void> {
    try {
      await renewLease(this.client, this.o.node);
      this.leaseOk = true;
      const next = nodeConditions(pressure(this.o.dataDir), this.conditions);
      const changed = next.some((c, i) => c.status !== this.conditions[i]?.status);
      if (changed || Date.now() - this.lastNodeStatusAt > 60_000) {
        this.conditions = next;
        await this.client.mergePatch(`/api/v1/nodes/${this.o.node}/status`, { status: nodeStatus(this.opts(), next) });
        this.lastNodeStatusAt = Date.now();
      }
    } catch (e) {
      this.leaseOk = false;
      if (e instanceof KubeError && e.code === 404) await this.register().catch(() => {});
      this.log(`heartbeat: ${(e as Error).message} (pods keep running)`);
    }
  }

  private metrics(): string {
    const k = this.kubelet;
    const gauge = (name: string, help: string, v: number) => {
      const g = new Gauge(name, help);
      g.set({}, v);
      return g;
    };
    const counter = (name: string, help: string, values: [Record<string, string>, number][]) => {
      const c = new Counter(name, help);
      for (const [labels, v] of values) c.inc(labels, v);
      return c;
    };
    const ops = [...this.runtimeOps];
    const proxied = this.proxy?.metrics() ?? [];
    return exposition([
      gauge("kubelet_running_pods", "Number of pods that have a running pod sandbox", k?.pods().filter((p) => p.status?.phase === "Running").length ?? 0),
      ...(k ? [k.podStartDuration] : []),
      counter("kubelet_runtime_operations_errors_total", "Runtime operation errors", [[{}, k?.runtimeErrors ?? 0]]),
      gauge("kubelet_node_lease_ok", "Whether the last Lease renewal succeeded", this.leaseOk ? 1 : 0),
      counter("kubelet_runtime_operations_total", "Cumulative number of runtime operations by operation type", ops.map(([op, s]) => [{ operation_type: op }, s.count])),
      counter("kubelet_runtime_operations_errors_by_type_total", "Cumulative number of runtime operation errors by operation type", ops.map(([op, s]) => [{ operation_type: op }, s.errors])),
      counter("kubelet_runtime_operations_duration_seconds_total", "Time spent in runtime operations by operation type", ops.map(([op, s]) => [{ operation_type: op }, s.seconds])),
      counter("prober_probe_total", "Cumulative number of liveness, readiness or startup probe results", [...probeResults].map(([key, n]) => {
        const [type, result] = key.split("|");
        return [{ probe_type: type, result }, n];
      })),
      ...(proxied.length
        ? [counter("kubeproxy_connections_total", "Connections proxied per Service port", proxied.map((m) => [{ namespace: m.namespace, service: m.service, port: String(m.port), protocol: m.protocol }, m.connections]))]
        : []),
    ]);
  }

  /** Stop the agent; containers keep running. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.stats?.stop();
    await this.kubelet?.stop();
    this.dns?.stop();
    this.ingress?.stop();
    await this.proxy?.stop();
    await this.tunnel?.close();
    this.local?.close();
    this.runtime.close();
    await this.client.close();
  }
}
