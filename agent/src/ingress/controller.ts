/**
 * The agent's ingress controller: an HTTP and HTTPS reverse proxy on the node
 * (ports 80 and 443 by default) that routes by the Ingresses Edgeplane serves
 * (see servedByEdgeplane) to the ready endpoints of the backend Service, read
 * from the kube-proxy role's view of Services and EndpointSlices, so pods on
 * this host are reached directly (round robin, the next endpoint tried when
 * one refuses). HTTPS terminates with the certificate of the Ingress TLS
 * section covering the requested name (SNI; its Secret is read when the
 * Ingresses change and every 30 s), else a self-signed one, as ingress-nginx
 * does. HTTP/1.1; WebSocket upgrades are passed through as byte streams. Its
 * Node carries the ports (edgeplane.dev/ingress-port, -tls-port), from which
 * the control plane's ingress status controller fills in each address.
 */
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1";
import type { KubeClient } from "../../../src/cli/kube-client.js";
import type { KObject } from "../../../src/registry/types.js";
import { servedByEdgeplane } from "../../../src/registry/kinds/networking/edgeplane-ingress.js";
import type { ClusterView } from "../dns/records.js";
import { readyEndpoints } from "../proxy/model.js";
import { Balancer, type Endpoint } from "../proxy/balancer.js";
import { RouteTable, type Backend } from "./routes.js";
import type { RelayDialer } from "../proxy/relay.js";
import type { Duplex } from "node:stream";

export interface IngressOptions {
  client: Pick<KubeClient, "watch" | "get">;
  view: ClusterView;
  port: number;
  /** HTTPS port, or none. */
  tlsPort?: number;
  /** This node, and how to reach pods on other nodes (as the proxy does). */
  nodeName?: string;
  relay?: RelayDialer;
  host?: string;
  log: (m: string) => void;
}

/** How often TLS Secrets are read again (a renewed certificate is picked up without an Ingress change). */
const TLS_REFRESH_MS = 30_000;
type TlsSecret = { metadata?: { resourceVersion?: string }; data?: Record<string, string> };

/** Hop-by-hop headers a proxy does not forward (RFC 9110 §7.6.1). */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);
const CONNECT_TIMEOUT_MS = 3000;

export class IngressController {
  private server?: http.Server;
  private tlsServer?: https.Server;
  /** Host (or *.wildcard) → the secure context of the TLS section naming it; the fallback: self-signed. */
  private contexts = new Map<string, tls.SecureContext>();
  private secrets = new Map<string, { rv?: string; context: tls.SecureContext }>();
  private fallbackContext?: tls.SecureContext;
  private tlsTimer?: ReturnType<typeof setInterval>;
  private loadingTls?: Promise<void>;
  private stops: (() => void)[] = [];
  private ingresses = new Map<string, Ingress>();
  private classes = new Map<string, IngressClass>();
  private table = new RouteTable([]);
  /** Round robin per backend Service port, as the kube-proxy role balances. */
  private balancers = new Map<string, Balancer>();
  requests = 0;
  errors = 0;

  constructor(private o: IngressOptions) {}

  /** Listen on HTTP; resolves to the port, or rejects when it cannot be had (another process holds it, no privilege). */
  async listen(): Promise<number> {
    this.server = await this.open(http.createServer(), this.o.port, "http");
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Listen on HTTPS with a self-signed fallback certificate (made here once); resolves to the port. */
  async listenTls(port: number, fallback: { cert: string; key: string }): Promise<number> {
    this.fallbackContext = tls.createSecureContext(fallback);
    const server = https.createServer({
      ...fallback,
      SNICallback: (name, cb) => cb(null, this.contextFor(name)),
    });
    this.tlsServer = await this.open(server, port, "https");
    return (this.tlsServer.address() as net.AddressInfo).port;
  }

  private async open<S extends http.Server>(server: S, port: number, proto: "http" | "https"): Promise<S> {
    server.on("request", (req, res) => this.serve(req, res, proto));
    server.on("upgrade", (req, socket, head) => this.upgrade(req, socket as net.Socket, head, proto));
    server.on("clientError", (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, this.o.host ?? "0.0.0.0", () => resolve());
    });
    return server;
  }

  /** The certificate for a TLS server name: its exact host, then its wildcard, then the fallback. */
  private contextFor(name: string): tls.SecureContext | undefined {
    const host = name.toLowerCase();
    const dot = host.indexOf(".");
    return this.contexts.get(host) ?? (dot > 0 ? this.contexts.get(`*${host.slice(dot)}`) : undefined) ?? this.fallbackContext;
  }

  /** Read the TLS Secrets the served Ingresses name (unchanged ones keep their context) and map their hosts. */
  private loadTls(): Promise<void> {
    if (!this.tlsServer) return Promise.resolve();
    const run = async () => {
      const next = new Map<string, tls.SecureContext>();
      const used = new Set<string>();
      for (const ing of this.table.ingresses) {
        const ns = ing.metadata?.namespace ?? "default";
        for (const t of ing.spec?.tls ?? []) {
          if (!t.secretName) continue;
          const key = `${ns}/${t.secretName}`;
          used.add(key);
          const context = await this.secretContext(ns, t.secretName);
          if (!context) continue;
          // The oldest Ingress naming a host keeps it (the table's are oldest first).
          for (const h of t.hosts ?? []) if (!next.has(h.toLowerCase())) next.set(h.toLowerCase(), context);
        }
      }
      for (const k of this.secrets.keys()) if (!used.has(k)) this.secrets.delete(k);
      this.contexts = next;
    };
    const p = (this.loadingTls ?? Promise.resolve()).then(run, run).catch((e) => this.o.log(`ingress: TLS: ${(e as Error).message}`));
    this.loadingTls = p;
    return p;
  }

  private async secretContext(ns: string, name: string): Promise<tls.SecureContext | undefined> {
    const key = `${ns}/${name}`;
    let s: TlsSecret;
    try {
      s = await this.o.client.get<TlsSecret>(`/api/v1/namespaces/${ns}/secrets/${name}`);
    } catch (e) {
      this.o.log(`ingress: TLS secret ${key}: ${(e as Error).message}`);
      return this.secrets.get(key)?.context;
    }
    const hit = this.secrets.get(key);
    if (hit && hit.rv === s.metadata?.resourceVersion) return hit.context;
    const cert = s.data?.["tls.crt"];
    const pk = s.data?.["tls.key"];
    if (!cert || !pk) {
      this.o.log(`ingress: TLS secret ${key} has no tls.crt and tls.key`);
      return undefined;
    }
    try {
      const context = tls.createSecureContext({ cert: Buffer.from(cert, "base64"), key: Buffer.from(pk, "base64") });
      this.secrets.set(key, { rv: s.metadata?.resourceVersion, context });
      return context;
    } catch (e) {
      this.o.log(`ingress: TLS secret ${key}: ${(e as Error).message}`);
      return undefined;
    }
  }

  /** Watch Ingresses and IngressClasses (after listen, once the Services view is running). */
  start(): void {
    const onError = (what: string) => (e: unknown) => this.o.log(`ingress: watch ${what}: ${(e as Error)?.message ?? e}`);
    const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
    const track = <T extends { metadata?: { namespace?: string; name?: string } }>(map: Map<string, T>) => ({
      event: (type: string, obj: unknown) => {
        const o = obj as T;
        if (type === "DELETED") map.delete(keyOf(o));
        else map.set(keyOf(o), o);
        this.rebuild();
      },
      sync: (items: unknown[]) => {
        map.clear();
        for (const o of items as T[]) map.set(keyOf(o), o);
        this.rebuild();
      },
    });
    const ing = track(this.ingresses);
    const cls = track(this.classes);
    this.stops.push(this.o.client.watch("/apis/networking.k8s.io/v1/ingressclasses", cls.event, onError("ingressclasses"), cls.sync));
    this.stops.push(this.o.client.watch("/apis/networking.k8s.io/v1/ingresses", ing.event, onError("ingresses"), ing.sync));
    if (this.tlsServer) {
      this.tlsTimer = setInterval(() => void this.loadTls(), TLS_REFRESH_MS);
      this.tlsTimer.unref();
    }
  }

  stop(): void {
    for (const s of this.stops) s();
    this.stops = [];
    clearInterval(this.tlsTimer);
    for (const s of [this.server, this.tlsServer]) {
      s?.close();
      s?.closeAllConnections();
    }
  }

  private rebuild(): void {
    const classOf = (name: string) => this.classes.get(`/${name}`) as unknown as KObject | undefined;
    this.table = new RouteTable([...this.ingresses.values()].filter((i) => servedByEdgeplane(i as unknown as KObject, classOf)));
    // Backends may be gone: the rotation starts over (as it would on a new proxy).
    this.balancers.clear();
    void this.loadTls();
  }

  /** The ready endpoints of a backend's Service port, starting at the next one in turn. */
  private endpoints(b: Backend): Endpoint[] | string {
    const svc = this.o.view.service(b.namespace, b.service);
    if (!svc) return `service "${b.namespace}/${b.service}" not found`;
    const sp = (svc.spec?.ports ?? []).find((p) => (typeof b.port === "number" ? p.port === b.port : p.name === b.port));
    if (!sp) return `service "${b.namespace}/${b.service}" has no port ${b.port}`;
    const list = readyEndpoints(this.o.view.slices(b.namespace, b.service), sp.name ?? "", "TCP", this.o.relay ? this.o.nodeName : undefined);
    if (!list.length) return `no ready endpoints for service "${b.namespace}/${b.service}"`;
    const key = `${b.namespace}/${b.service}:${b.port}`;
    let balancer = this.balancers.get(key);
    if (!balancer) this.balancers.set(key, (balancer = new Balancer()));
    balancer.setEndpoints(list);
    return balancer.candidates("");
  }

  private route(req: http.IncomingMessage): Endpoint[] | { code: number; message: string } {
    const b = this.table.match(req.headers.host ?? "", req.url ?? "/");
    if (!b) return { code: 404, message: "default backend - 404" };
    const eps = this.endpoints(b);
    return typeof eps === "string" ? { code: 503, message: `503 Service Unavailable: ${eps}` } : eps;
  }

  private forwardedHeaders(req: http.IncomingMessage, proto: "http" | "https"): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    const client = req.socket.remoteAddress ?? "";
    const prior = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${prior}, ${client}` : client;
    headers["x-real-ip"] = client;
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers["x-forwarded-proto"] = proto;
    return headers;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, proto: "http" | "https"): void {
    this.requests++;
    const r = this.route(req);
    if (!Array.isArray(r)) {
      if (r.code >= 500) this.errors++;
      res.writeHead(r.code, { "content-type": "text/plain; charset=utf-8" }).end(`${r.message}\n`);
      req.resume();
      return;
    }
    const headers = this.forwardedHeaders(req, proto);
    const attempt = (i: number) => {
      const ep = r[i];
      let connected = false;
      const relay = this.dialer(ep);
      const up = http.request({ host: ep.ip, port: ep.port, method: req.method, path: req.url, headers, agent: false, timeout: CONNECT_TIMEOUT_MS, ...(relay ? { createConnection: relay } : {}) });
      up.on("socket", (s) => s.once("connect", () => ((connected = true), up.setTimeout(0))));
      up.on("response", (u) => {
        const out: http.OutgoingHttpHeaders = {};
        for (const [k, v] of Object.entries(u.headers)) if (!HOP.has(k) && v !== undefined) out[k] = v;
        res.writeHead(u.statusCode ?? 502, u.statusMessage, out);
        u.pipe(res);
      });
      up.on("timeout", () => up.destroy(new Error("connect timeout")));
      up.on("error", (e) => {
        // A refused connect (nothing sent yet) moves on to the next endpoint.
        if (!connected && i + 1 < r.length) return attempt(i + 1);
        this.errors++;
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain; charset=utf-8" }).end(`502 Bad Gateway: ${e.message}\n`);
        else res.destroy();
      });
      if (i === 0) req.pipe(up);
      else up.end();
    };
    // Only a request without a body can be retried on another endpoint (its body is already streaming).
    if (req.headers["content-length"] || req.headers["transfer-encoding"]) r.splice(1);
    attempt(0);
  }

  /** For another node's pod: a connection through the control plane (relay.ts). */
  private dialer(ep: Endpoint): (() => Duplex) | undefined {
    const { relay } = this.o;
    const to = ep.relay;
    return relay && to ? () => relay({ namespace: to.namespace, pod: to.pod, port: ep.port }) : undefined;
  }

  /** WebSocket and other upgrades: the request head goes to the endpoint, then bytes flow both ways. */
  private upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer, proto: "http" | "https"): void {
    this.requests++;
    const r = this.route(req);
    if (!Array.isArray(r)) {
      socket.end(`HTTP/1.1 ${r.code} ${r.code === 404 ? "Not Found" : "Service Unavailable"}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${r.message}\n`);
      return;
    }
    const relay = this.dialer(r[0]);
    const up: Duplex = relay ? relay() : net.connect(r[0].port, r[0].ip);
    up.once("connect", () => {
      const headers = { ...this.forwardedHeaders(req, proto), connection: "Upgrade", upgrade: req.headers.upgrade ?? "" };
      const lines = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v}`]));
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    const close = () => (up.destroy(), socket.destroy());
    up.on("error", close);
    socket.on("error", close);
  }
}
