/**
 * The agent's kube-proxy: a userspace proxy driven by watches of Services and
 * EndpointSlices. Each Service port gets a listener on its cluster IP (made a
 * loopback address of the host) and, for NodePort/LoadBalancer Services, on
 * 0.0.0.0:<nodePort>; accepted traffic goes to a ready endpoint. Userspace
 * because this host has neither nftables nor iptables, and because it then
 * needs no privilege at all for node ports (see agent/README.md).
 *
 * Several agents may share one host's network namespace, so a listener that
 * meets EADDRINUSE belongs to a sibling: it is retried every few seconds and
 * the survivor takes over when that sibling stops. For the same reason stop()
 * closes listeners but leaves loopback addresses; an address goes only with
 * its Service.
 */
import type { Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KubeClient } from "../../../src/cli/kube-client.js";
import { Balancer } from "./balancer.js";
import { makeFrontend, type Counters, type Frontend, type Log, type PortState } from "./frontends.js";
import { LoopbackAddresses } from "./loopback.js";
import type { ClusterView } from "../dns/records.js";
import { readyEndpoints, servicePorts, sliceService, type Protocol } from "./model.js";
import type { RelayDialer } from "./relay.js";

export type { Log, LogLevel } from "./frontends.js";

export interface ServiceProxyOptions {
  /** Only `watch` is used. */
  client: Pick<KubeClient, "watch">;
  nodeName: string;
  log?: Log;
  /** Serve cluster IPs (adding them to lo); default true. Without CAP_NET_ADMIN this turns itself off. */
  bindClusterIPs?: boolean;
  /** How often busy listeners are retried and loopback addresses re-ensured (ms); default 3000. */
  retryMs?: number;
  /** Address management; replaceable in tests. */
  addresses?: LoopbackAddresses;
  /** How to reach a pod on another node (TCP); without it such endpoints are dialled by IP. */
  relay?: RelayDialer;
}

export interface PortMetrics extends Counters {
  namespace: string;
  service: string;
  port: string;
  protocol: Protocol;
  endpoints: number;
}

export interface ListenerStatus {
  protocol: Protocol;
  host: string;
  port: number;
  /** "namespace/name[:port]" of the Service port it serves. */
  servicePort: string;
  /** open: this agent serves it; busy: another process (a sibling agent) holds it; pending: waiting for its address or first attempt; failed: another error, retried. */
  state: "open" | "busy" | "pending" | "failed";
}

interface Listener {
  key: string;
  protocol: Protocol;
  host: string;
  port: number;
  owner: string;
  frontend: Frontend;
  state: ListenerStatus["state"];
  opening: boolean;
  /** The last listen error logged, so a retry that fails the same way stays quiet. */
  lastError?: string;
}

const defaultLog: Log = (level, message) => {
  if (level !== "debug") console.error(`${new Date().toISOString()} ${level} ${message}`);
};

export class ServiceProxy {
  private readonly client: Pick<KubeClient, "watch">;
  private readonly log: Log;
  private readonly addresses: LoopbackAddresses;
  private readonly retryMs: number;
  private clusterIPs: boolean;

  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, EndpointSlice>();
  /** "ns/service" → keys of its slices. */
  private readonly slicesOf = new Map<string, Set<string>>();
  private readonly ports = new Map<string, PortState>();
  private readonly listeners = new Map<string, Listener>();
  /** Addresses kept on lo for other node services (the cluster DNS). */
  private readonly pinned = new Set<string>();
  /** Cluster IPs known to be on lo (added or found there). */
  private readonly ensured = new Set<string>();
  private readonly ensuring = new Map<string, Promise<boolean>>();

  private stops: (() => void)[] = [];
  private timer?: NodeJS.Timeout;
  private reconcileQueued = false;
  private running = false;
  private ticks = 0;

  constructor(private readonly opts: ServiceProxyOptions) {
    this.client = opts.client;
    this.log = opts.log ?? defaultLog;
    this.addresses = opts.addresses ?? new LoopbackAddresses();
    this.retryMs = opts.retryMs ?? 3_000;
    this.clusterIPs = opts.bindClusterIPs ?? true;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const onError = (what: string) => (e: unknown) => this.log("warn", `proxy: watch ${what}: ${(e as Error)?.message ?? e}`);
    // onSync (a re-list after 410 Gone) drops what vanished while the watch was away.
    this.stops.push(
      this.client.watch(
        "/api/v1/services",
        (type, obj) => this.onService(type, obj as unknown as Service),
        onError("services"),
        (items) => this.resync(this.services, items as unknown as Service[], (o) => this.onService("DELETED", o)),
      ),
    );
    this.stops.push(
      this.client.watch(
        "/apis/discovery.k8s.io/v1/endpointslices",
        (type, obj) => this.onSlice(type, obj as unknown as EndpointSlice),
        onError("endpointslices"),
        (items) => this.resync(this.slices, items as unknown as EndpointSlice[], (o) => this.onSlice("DELETED", o)),
      ),
    );
    this.timer = setInterval(() => this.tick(), this.retryMs);
    this.timer.unref();
    this.log("info", `proxy: node ${this.opts.nodeName}: watching Services and EndpointSlices (userspace, ${this.clusterIPs ? "cluster IPs and node ports" : "node ports only"})`);
  }

  /**
   * Put an address on lo for another node service (the cluster DNS) and keep it there; false when cluster
   * IPs are unavailable here (no privilege), so the service should not be offered to pods.
   */
  async serveAddress(ip: string): Promise<boolean> {
    if (!this.clusterIPs) return false;
    this.pinned.add(ip);
    return this.ensureAddress(ip);
  }

  /** The Services and EndpointSlices this proxy sees, for the cluster DNS (agent/src/dns/). */
  view(): ClusterView {
    return {
      service: (namespace, name) => this.services.get(`${namespace}/${name}`),
      slices: (namespace, service) => [...(this.slicesOf.get(`${namespace}/${service}`) ?? [])].map((k) => this.slices.get(k)!).filter(Boolean),
    };
  }

  /** Stop watching and close every listener (with its connections); loopback addresses stay for siblings. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const s of this.stops) s();
    this.stops = [];
    clearInterval(this.timer);
    for (const l of this.listeners.values()) l.frontend.close();
    this.listeners.clear();
  }

  /** Per Service port counters, for the agent's /metrics. */
  metrics(): PortMetrics[] {
    return [...this.ports.values()].map((p) => {
      const [namespace, name] = p.sp.service.split("/");
      return { namespace, service: name, port: p.sp.portName, protocol: p.sp.protocol, endpoints: p.balancer.size, ...p.counters };
    });
  }

  /** The listeners this proxy wants and what became of each. */
  status(): ListenerStatus[] {
    return [...this.listeners.values()].map((l) => ({ protocol: l.protocol, host: l.host, port: l.port, servicePort: l.owner, state: l.state }));
  }

  // ---- watch events ----

  private onService(type: string, svc: Service): void {
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    if (type === "DELETED") this.services.delete(key);
    else this.services.set(key, svc);
    this.syncService(key);
  }

  private onSlice(type: string, slice: EndpointSlice): void {
    const key = `${slice.metadata?.namespace}/${slice.metadata?.name}`;
    const before = this.slices.get(key);
    const oldSvc = before && sliceService(before);
    const newSvc = type === "DELETED" ? undefined : sliceService(slice);
    if (type === "DELETED") this.slices.delete(key);
    else this.slices.set(key, slice);
    if (oldSvc && oldSvc !== newSvc) {
      this.slicesOf.get(oldSvc)?.delete(key);
      if (!this.slicesOf.get(oldSvc)?.size) this.slicesOf.delete(oldSvc);
      this.syncEndpoints(oldSvc);
    }
    if (newSvc) {
      let set = this.slicesOf.get(newSvc);
      if (!set) this.slicesOf.set(newSvc, (set = new Set()));
      set.add(key);
      this.syncEndpoints(newSvc);
    }
  }

  /** After a re-list: everything known but not listed was deleted meanwhile. */
  private resync<T extends Service | EndpointSlice>(known: Map<string, T>, listed: T[], deleted: (o: T) => void): void {
    const keep = new Set(listed.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`));
    for (const [k, o] of [...known]) if (!keep.has(k)) deleted(o);
  }

  /** Rebuild a Service's port states from its spec; listeners follow on the next reconcile. */
  private syncService(svcKey: string): void {
    const svc = this.services.get(svcKey);
    const desired = new Map((svc ? servicePorts(svc) : []).map((sp) => [sp.key, sp]));
    for (const [k, p] of this.ports) if (p.sp.service === svcKey && !desired.has(k)) this.ports.delete(k);
    for (const [k, sp] of desired) {
      const p = this.ports.get(k);
      if (p) {
        p.sp = sp;
        p.balancer.configure(sp.affinity, sp.affinityTimeoutMs);
      } else this.ports.set(k, { sp, balancer: new Balancer(sp.affinity, sp.affinityTimeoutMs), counters: { connections: 0, active: 0, errors: 0, rejected: 0 } });
    }
    this.syncEndpoints(svcKey);
    this.queueReconcile();
  }

  /** Give a Service's port states the ready endpoints of its slices; applies to the next connection. */
  private syncEndpoints(svcKey: string): void {
    const slices = [...(this.slicesOf.get(svcKey) ?? [])].map((k) => this.slices.get(k)!).filter(Boolean);
    for (const p of this.ports.values()) {
      if (p.sp.service !== svcKey) continue;
      p.balancer.setEndpoints(readyEndpoints(slices, p.sp.portName, p.sp.protocol, this.opts.relay ? this.opts.nodeName : undefined));
    }
  }

  // ---- listeners and addresses ----

  private queueReconcile(): void {
    if (this.reconcileQueued || !this.running) return;
    this.reconcileQueued = true;
    setImmediate(() => {
      this.reconcileQueued = false;
      if (this.running) this.reconcile();
    });
  }

  /** Bring listeners and loopback addresses in line with the port states. */
  private reconcile(): void {
    const want = new Map<string, { protocol: Protocol; host: string; port: number; state: PortState }>();
    const wantIPs = new Set<string>(this.pinned);
    for (const p of this.ports.values()) {
      const { sp } = p;
      if (this.clusterIPs && sp.clusterIP) {
        wantIPs.add(sp.clusterIP);
        const k = `${sp.protocol}:${sp.clusterIP}:${sp.port}`;
        if (!want.has(k)) want.set(k, { protocol: sp.protocol, host: sp.clusterIP, port: sp.port, state: p });
      }
      if (sp.nodePort) {
        const k = `${sp.protocol}:0.0.0.0:${sp.nodePort}`;
        if (want.has(k)) this.log("warn", `proxy: node port ${sp.nodePort}/${sp.protocol} is claimed by ${want.get(k)!.state.sp.key} and ${sp.key}; serving the first`);
        else want.set(k, { protocol: sp.protocol, host: "0.0.0.0", port: sp.nodePort, state: p });
      }
    }

    for (const [k, l] of this.listeners) {
      const w = want.get(k);
      if (w) {
        l.frontend.state = w.state;
        l.owner = w.state.sp.key;
        continue;
      }
      l.frontend.close();
      this.listeners.delete(k);
      if (l.state === "open") this.log("info", `proxy: stopped serving ${l.owner} on ${l.host}:${l.port}/${l.protocol}`);
    }
    for (const [k, w] of want) {
      if (this.listeners.has(k)) continue;
      const l: Listener = { key: k, protocol: w.protocol, host: w.host, port: w.port, owner: w.state.sp.key, frontend: makeFrontend(w.protocol, w.host, w.port, w.state, this.log, this.opts.relay), state: "pending", opening: false };
      this.listeners.set(k, l);
      this.open(l);
    }

    // An address goes only when no Service wants it any more (never on stop: a sibling may serve it).
    for (const ip of [...this.ensured]) {
      if (wantIPs.has(ip) || !this.clusterIPs) continue;
      this.ensured.delete(ip);
      this.addresses.remove(ip).catch((e: Error) => this.log("warn", `proxy: ${e.message}`));
    }
  }

  /** Ensure ip is on lo once at a time; false when it cannot be (cluster IPs then turn off). */
  private ensureAddress(ip: string): Promise<boolean> {
    if (this.ensured.has(ip)) return Promise.resolve(true);
    let p = this.ensuring.get(ip);
    if (p) return p;
    p = this.addresses
      .add(ip)
      .then(() => {
        this.ensured.add(ip);
        return true;
      })
      .catch((e: Error) => {
        if (!this.addresses.available) this.disableClusterIPs();
        else this.log("warn", `proxy: ${e.message}`);
        return false;
      })
      .finally(() => this.ensuring.delete(ip));
    this.ensuring.set(ip, p);
    return p;
  }

  private disableClusterIPs(): void {
    if (!this.clusterIPs) return;
    this.clusterIPs = false;
    this.log("warn", `proxy: cannot add cluster IPs to lo (${this.addresses.why}; needs root or CAP_NET_ADMIN): serving node ports only`);
    this.queueReconcile();
  }

  private open(l: Listener): void {
    if (l.opening || l.state === "open") return;
    l.opening = true;
    const isClusterIP = l.host !== "0.0.0.0";
    const ready = isClusterIP ? this.ensureAddress(l.host) : Promise.resolve(true);
    void ready
      .then(async (ok) => {
        if (!ok || this.listeners.get(l.key) !== l) return;
        try {
          await l.frontend.open();
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          l.state = err.code === "EADDRINUSE" ? "busy" : err.code === "EADDRNOTAVAIL" ? "pending" : "failed";
          const msg = `${err.code ?? ""} ${err.message}`;
          if (msg !== l.lastError) {
            const level = l.state === "failed" ? "warn" : "debug";
            this.log(level, `proxy: ${l.owner} on ${l.host}:${l.port}/${l.protocol}: ${err.message}${l.state === "busy" ? " (served by another process, e.g. a sibling agent on this host; retrying)" : ""}`);
            l.lastError = msg;
          }
          return;
        }
        if (this.listeners.get(l.key) !== l) {
          // Gone while it was opening.
          l.frontend.close();
          return;
        }
        l.state = "open";
        l.lastError = undefined;
        this.log("debug", `proxy: serving ${l.owner} on ${l.host}:${l.port}/${l.protocol}`);
      })
      .finally(() => {
        l.opening = false;
      });
  }

  /** Retry listeners that are not open; now and then re-ensure the cluster IPs on lo; drop expired affinity pins. */
  private tick(): void {
    if (!this.running) return;
    for (const l of this.listeners.values()) if (l.state !== "open") this.open(l);
    for (const p of this.ports.values()) p.balancer.sweep();
    // Someone (a sibling agent after a Service was re-created, an operator) may have removed an address.
    if (this.clusterIPs && this.ensured.size && ++this.ticks % 3 === 0) {
      void this.addresses.list().then((present) => {
        for (const ip of [...this.ensured]) {
          if (present.has(ip)) continue;
          this.ensured.delete(ip);
          void this.ensureAddress(ip);
        }
      });
    }
  }
}
