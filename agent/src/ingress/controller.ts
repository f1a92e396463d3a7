/**
 * The agent's ingress controller: an HTTP reverse proxy on the node (port 80
 * by default) that routes by the Ingresses Edgeplane serves (see
 * servedByEdgeplane) to the ready endpoints of the backend Service, read
 * from the kube-proxy role's view of Services and EndpointSlices, so pods on
 * this host are reached directly (round robin, the next endpoint tried when
 * one refuses). HTTP/1.1 only: TLS sections of an Ingress are not served,
 * and WebSocket upgrades are passed through as raw byte streams. Its Node
 * carries the port (edgeplane.dev/ingress-port), from which the control
 * plane's ingress status controller fills in each Ingress's address.
 */
import * as http from "node:http";
import * as net from "node:net";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1";
import type { KubeClient } from "../../../src/cli/kube-client.js";
import type { KObject } from "../../../src/registry/types.js";
import { servedByEdgeplane } from "../../../src/registry/kinds/networking/ingressclass.js";
import type { ClusterView } from "../dns/records.js";
import { readyEndpoints } from "../proxy/model.js";
import type { Endpoint } from "../proxy/balancer.js";
import { RouteTable, type Backend } from "./routes.js";

export interface IngressOptions {
  client: Pick<KubeClient, "watch">;
  view: ClusterView;
  port: number;
  host?: string;
  log: (m: string) => void;
}

/** Hop-by-hop headers a proxy does not forward (RFC 9110 §7.6.1). */
const HOP = new Set(["connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"]);
const CONNECT_TIMEOUT_MS = 3000;

export class IngressController {
  private server?: http.Server;
  private stops: (() => void)[] = [];
  private ingresses = new Map<string, Ingress>();
  private classes = new Map<string, IngressClass>();
  private table = new RouteTable([]);
  private rr = new Map<string, number>();
  requests = 0;
  errors = 0;

  constructor(private o: IngressOptions) {}

  /** Listen; resolves to the port, or rejects when it cannot be had (another process holds it, no privilege). */
  async listen(): Promise<number> {
    const server = http.createServer((req, res) => this.serve(req, res));
    server.on("upgrade", (req, socket, head) => this.upgrade(req, socket as net.Socket, head));
    server.on("clientError", (_e, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.o.port, this.o.host ?? "0.0.0.0", () => resolve());
    });
    this.server = server;
    return (server.address() as net.AddressInfo).port;
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
  }

  stop(): void {
    for (const s of this.stops) s();
    this.stops = [];
    this.server?.close();
    this.server?.closeAllConnections();
  }

  private rebuild(): void {
    const classOf = (name: string) => this.classes.get(`/${name}`) as unknown as KObject | undefined;
    this.table = new RouteTable([...this.ingresses.values()].filter((i) => servedByEdgeplane(i as unknown as KObject, classOf)));
  }

  /** The ready endpoints of a backend's Service port, starting at the next one in turn. */
  private endpoints(b: Backend): Endpoint[] | string {
    const svc = this.o.view.service(b.namespace, b.service);
    if (!svc) return `service "${b.namespace}/${b.service}" not found`;
    const sp = (svc.spec?.ports ?? []).find((p) => (typeof b.port === "number" ? p.port === b.port : p.name === b.port));
    if (!sp) return `service "${b.namespace}/${b.service}" has no port ${b.port}`;
    const list = readyEndpoints(this.o.view.slices(b.namespace, b.service), sp.name ?? "", "TCP");
    if (!list.length) return `no ready endpoints for service "${b.namespace}/${b.service}"`;
    const key = `${b.namespace}/${b.service}:${b.port}`;
    const start = (this.rr.get(key) ?? 0) % list.length;
    this.rr.set(key, start + 1);
    return [...list.slice(start), ...list.slice(0, start)];
  }

  private route(req: http.IncomingMessage): Endpoint[] | { code: number; message: string } {
    const b = this.table.match(req.headers.host ?? "", req.url ?? "/");
    if (!b) return { code: 404, message: "default backend - 404" };
    const eps = this.endpoints(b);
    return typeof eps === "string" ? { code: 503, message: `503 Service Unavailable: ${eps}` } : eps;
  }

  private forwardedHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k) && v !== undefined) headers[k] = v;
    const client = req.socket.remoteAddress ?? "";
    const prior = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = prior ? `${prior}, ${client}` : client;
    headers["x-real-ip"] = client;
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers["x-forwarded-proto"] = "http";
    return headers;
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    const r = this.route(req);
    if (!Array.isArray(r)) {
      if (r.code >= 500) this.errors++;
      res.writeHead(r.code, { "content-type": "text/plain; charset=utf-8" }).end(`${r.message}\n`);
      req.resume();
      return;
    }
    const headers = this.forwardedHeaders(req);
    const attempt = (i: number) => {
      const ep = r[i];
      let connected = false;
      const up = http.request({ host: ep.ip, port: ep.port, method: req.method, path: req.url, headers, agent: false, timeout: CONNECT_TIMEOUT_MS });
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

  /** WebSocket and other upgrades: the request head goes to the endpoint, then bytes flow both ways. */
  private upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    this.requests++;
    const r = this.route(req);
    if (!Array.isArray(r)) {
      socket.end(`HTTP/1.1 ${r.code} ${r.code === 404 ? "Not Found" : "Service Unavailable"}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${r.message}\n`);
      return;
    }
    const up = net.connect(r[0].port, r[0].ip, () => {
      const headers = { ...this.forwardedHeaders(req), connection: "Upgrade", upgrade: req.headers.upgrade ?? "" };
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
