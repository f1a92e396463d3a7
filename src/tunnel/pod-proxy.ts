/**
 * The Worker's side of the proxied pod subresources (pods/log, exec, attach,
 * portforward): what kube-apiserver's pod REST storage does before it dials
 * the kubelet — read the pod, check it is bound, validate the options and
 * the container name — then hand the stream to the pod's node's NodeTunnel.
 * The registry's `proxied` list decides which subresources come here; this
 * module maps each to a tunnel op, so there is no per-kind route.
 */
import { waitUntil } from "cloudflare:workers";
import type { Env } from "../env.js";
import { ApiError, errors } from "../apimachinery/status.js";
import type { KindDef } from "../registry/types.js";
import type { ResourceRequest } from "../apiserver/request-info.js";
import { storeFor, type ObjectStore } from "../store/object-store.js";
import { negotiateChannelProtocol, offeredProtocols } from "./channels.js";
import { OPEN_HEADER, STREAM_HEADER, noAgent, nodeTunnel, type OpenRequest, type PortForwardTarget } from "./node-tunnel.js";
import { SPDY_TUNNEL_PROTOCOL } from "./port-forward.js";
import { RELAY_PROTOCOL } from "./frames.js";
import { splitSchemeNamePort, type ProxyRequest } from "./http-proxy.js";
import type { TunnelOp } from "./frames.js";

interface PodShape {
  metadata?: { name?: string; namespace?: string; uid?: string; annotations?: Record<string, string> };
  spec?: { nodeName?: string; containers?: Array<{ name: string }>; initContainers?: Array<{ name: string }>; ephemeralContainers?: Array<{ name: string }> };
}

const OPS: Record<string, TunnelOp> = { log: "logs", exec: "exec", attach: "attach", portforward: "portforward" };

const bool = (q: URLSearchParams, name: string) => {
  const v = q.get(name);
  return v === "true" || v === "1" || v === "";
};

function nonNegative(q: URLSearchParams, name: string, min = 0): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw errors.badRequest(`invalid ${name}: ${JSON.stringify(raw)}: must be an integer of at least ${min}`);
  return n;
}

/** Resolve and check the container name as the apiserver does (the agent always gets a concrete name). */
function containerFor(pod: PodShape, name: string, requested: string | null, op: TunnelOp): string {
  const spec = pod.spec ?? {};
  const app = (spec.containers ?? []).map((c) => c.name);
  const init = (spec.initContainers ?? []).map((c) => c.name);
  const ephemeral = (spec.ephemeralContainers ?? []).map((c) => c.name);
  if (requested) {
    if (![...app, ...init, ...ephemeral].includes(requested)) throw errors.badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  if (app.length === 1) return app[0];
  const byAnnotation = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"];
  if (byAnnotation && app.includes(byAnnotation)) return byAnnotation;
  const what = op === "logs" ? "" : ` to ${op} into`;
  throw errors.badRequest(
    `a container name must be specified for pod ${name}${what}, choose one of: [${app.join(" ")}]` + (init.length ? ` or one of the init containers: [${init.join(" ")}]` : ""),
  );
}

function logRequest(q: URLSearchParams, namespace: string, pod: string, container: string) {
  const sinceSeconds = nonNegative(q, "sinceSeconds", 1);
  const sinceTime = q.get("sinceTime") || undefined;
  if (sinceSeconds !== undefined && sinceTime) throw errors.badRequest("at most one of sinceTime or sinceSeconds may be specified");
  if (sinceTime && Number.isNaN(Date.parse(sinceTime))) throw errors.badRequest(`invalid sinceTime: ${JSON.stringify(sinceTime)}: must be RFC 3339`);
  return {
    namespace,
    pod,
    container,
    follow: bool(q, "follow"),
    previous: bool(q, "previous"),
    tailLines: nonNegative(q, "tailLines"),
    sinceSeconds,
    sinceTime,
    timestamps: bool(q, "timestamps"),
    limitBytes: nonNegative(q, "limitBytes", 1),
  };
}

function execRequest(q: URLSearchParams, namespace: string, pod: string, container: string, op: "exec" | "attach") {
  const r = { namespace, pod, container, stdin: bool(q, "stdin"), stdout: bool(q, "stdout"), stderr: bool(q, "stderr"), tty: bool(q, "tty") };
  if (!r.stdin && !r.stdout && !r.stderr) throw errors.badRequest("you must specify at least 1 of stdin, stdout, stderr");
  if (op === "attach") return r;
  const command = q.getAll("command");
  if (!command.length) throw errors.badRequest("you must specify at least 1 command");
  return { ...r, command };
}

function isSpdy(req: Request): boolean {
  return /spdy/i.test(req.headers.get("upgrade") ?? "");
}

function isWebSocket(req: Request): boolean {
  return (req.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
}

/** Serve a proxied subresource of a kind, or say clearly why not. */
export async function proxySubresource(env: Env, req: Request, url: URL, info: ResourceRequest, kind: KindDef, sub: string): Promise<Response> {
  if (sub === "proxy" && (kind.kind === "Pod" || kind.kind === "Service")) return proxyHttp(env, req, url, info, kind);
  const op = OPS[sub];
  if (kind.kind !== "Pod" || !op) {
    throw new ApiError(503, "ServiceUnavailable", `${kind.plural}/${sub} is not served yet: pods/log, exec, attach, portforward and proxy and services/proxy reach the node agent`);
  }
  if (op === "logs" ? info.verb !== "get" : !["get", "create"].includes(info.verb)) throw errors.methodNotAllowed(`${req.method} is not supported on pods/${sub}`);
  const got = await storeFor(env, kind, info.namespace).get("pods", info.namespace, info.name);
  if (got.code >= 400) return new Response(got.body, { status: got.code, headers: { "content-type": "application/json", "cache-control": "no-cache, private" } });
  const pod = JSON.parse(got.body) as PodShape;
  const node = pod.spec?.nodeName;
  if (!node) throw errors.badRequest(`pod ${info.name} does not have a host assigned`);
  const q = url.searchParams;

  if (op === "portforward") {
    const tunnel = nodeTunnel(env, node);
    if (isWebSocket(req) && offeredProtocols(req.headers.get("sec-websocket-protocol")).includes(RELAY_PROTOCOL)) {
      // A node agent relaying a Service connection to this pod (its node has no route to the pod's IP).
      const port = Number(q.get("ports"));
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw errors.badRequest(`a relay needs one port (ports=1..65535), not ${JSON.stringify(q.get("ports"))}`);
      return tunnel.fetch(openRequest({ op, req: { namespace: info.namespace, pod: info.name, port }, mode: "relay", node }, true));
    }
    if (isWebSocket(req) && offeredProtocols(req.headers.get("sec-websocket-protocol")).includes(SPDY_TUNNEL_PROTOCOL)) {
      const target: PortForwardTarget = { namespace: info.namespace, pod: info.name, uid: pod.metadata?.uid };
      return tunnel.fetch(openRequest({ op, req: target, mode: "portforward", node }, true));
    }
    // kubectl falls back to SPDY when its WebSocket upgrade is refused: what it then shows must be the real reason.
    if (!(await tunnel.connected())) throw noAgent(node);
    if (isSpdy(req)) {
      throw errors.badRequest(
        "pods/portforward over SPDY is not supported: this API server runs on Cloudflare Workers, which serve only WebSocket upgrades; use kubectl 1.31 or newer (1.30 with KUBECTL_PORT_FORWARD_WEBSOCKETS=true), which tunnels port-forward through a WebSocket",
      );
    }
    if (isWebSocket(req)) throw errors.badRequest(`no supported WebSocket subprotocol for port-forward: offer ${SPDY_TUNNEL_PROTOCOL}`);
    throw errors.badRequest("Upgrade request required");
  }
  const container = containerFor(pod, info.name, q.get("container"), op);
  const request = op === "logs" ? logRequest(q, info.namespace, info.name, container) : execRequest(q, info.namespace, info.name, container, op);
  const tunnel = nodeTunnel(env, node);

  if (op !== "logs") {
    if (isSpdy(req) || !isWebSocket(req)) {
      // Same checks, same order, as the WebSocket path: kubectl falls back to SPDY when a WebSocket
      // upgrade is refused, and what it then shows must be the real reason.
      if (!(await tunnel.connected())) throw noAgent(node);
      if (!isSpdy(req)) throw errors.badRequest("Upgrade request required");
      throw errors.badRequest(
        `pods/${sub} over SPDY is not supported: this API server runs on Cloudflare Workers, which serve only WebSocket upgrades; use kubectl 1.30 or newer (WebSockets by default; 1.29 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true) or a client speaking the v5.channel.k8s.io WebSocket protocol`,
      );
    }
    const protocol = negotiateChannelProtocol(req.headers.get("sec-websocket-protocol"));
    if (!protocol) throw errors.badRequest(`no supported WebSocket subprotocol: offer v5.channel.k8s.io or v4.channel.k8s.io`);
    return tunnel.fetch(openRequest({ op, req: request, mode: "websocket", protocol, node }, true));
  }
  const res = await tunnel.fetch(openRequest({ op, req: request, mode: "http", node }, false));
  // A departed client is not noticed through the Durable Object's response body (cancellation does not
  // cross over), so the body is piped through this Worker, whose request signal (compatibility flag
  // enable_request_signal) fires when workerd finds the client gone (at the next write); the tunnel is then
  // told to stop the stream, so a stopped `kubectl logs -f` stops reading the log on the node.
  const id = Number(res.headers.get(STREAM_HEADER));
  if (res.status !== 200 || !res.body || !id || !req.signal) return res;
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  // The request's own I/O is being torn down when its signal fires: the call must outlive it.
  const cancel = () => waitUntil(tunnel.cancel(id).catch(() => {}));
  req.signal.addEventListener("abort", cancel, { once: true });
  res.body.pipeTo(writable).catch(cancel);
  return new Response(readable, { status: 200, headers: res.headers });
}

function openRequest(open: OpenRequest, upgrade: boolean): Request {
  const headers = new Headers({ [OPEN_HEADER]: encodeURIComponent(JSON.stringify(open)) });
  if (upgrade) headers.set("upgrade", "websocket");
  return new Request("https://tunnel.internal/open", { headers });
}

/** The agent's end: `GET /edgeplane/v1/nodes/{node}/tunnel` with a WebSocket upgrade (already authenticated). */
export async function connectTunnel(env: Env, req: Request, node: string): Promise<Response> {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(node)) throw errors.badRequest(`invalid node name ${JSON.stringify(node)}`);
  if (!isWebSocket(req)) throw errors.badRequest("the node tunnel needs a WebSocket upgrade (Upgrade: websocket)");
  const headers = new Headers({ upgrade: "websocket" });
  const proto = req.headers.get("sec-websocket-protocol");
  if (proto) headers.set("sec-websocket-protocol", proto);
  return nodeTunnel(env, node).fetch(new Request("https://tunnel.internal/connect", { headers }));
}

/** Most a proxied request body may be (it is sent whole, ahead of the response). */
const MAX_PROXY_BODY = 3 * 1024 * 1024;

interface EndpointsShape {
  subsets?: Array<{ addresses?: Array<{ ip: string; nodeName?: string; targetRef?: { kind?: string; name?: string } }>; ports?: Array<{ name?: string; port: number }> }>;
}
export interface ServiceShape {
  spec?: { type?: string; ports?: Array<{ name?: string; port: number }> };
}

/**
 * A ready endpoint of a Service's port that is a pod on a node (what a node
 * tunnel can reach), chosen at random; undefined when there is none.
 */
export async function pickPodEndpoint(store: DurableObjectStub<ObjectStore>, namespace: string, service: string, port: { name?: string }): Promise<{ pod: string; node: string; port: number } | undefined> {
  const eps = await store.get("endpoints", namespace, service);
  const subsets = eps.code === 200 ? ((JSON.parse(eps.body) as EndpointsShape).subsets ?? []) : [];
  const candidates = subsets.flatMap((ss) => {
    const ep = (ss.ports ?? []).find((p) => (p.name ?? "") === (port.name ?? "")) ?? (ss.ports?.length === 1 ? ss.ports[0] : undefined);
    if (!ep) return [];
    return (ss.addresses ?? []).filter((a) => a.nodeName && a.targetRef?.kind === "Pod" && a.targetRef.name).map((a) => ({ pod: a.targetRef!.name!, node: a.nodeName!, port: ep.port }));
  });
  return candidates.length ? candidates[Math.floor(Math.random() * candidates.length)] : undefined;
}

/**
 * pods/proxy and services/proxy: an HTTP request to a pod's port, relayed
 * through its node's tunnel (http-proxy.ts), as kube-apiserver proxies to
 * the pod IP. A Service picks one ready endpoint of the named port.
 */
async function proxyHttp(env: Env, req: Request, url: URL, info: ResourceRequest, kind: KindDef): Promise<Response> {
  const id = splitSchemeNamePort(info.name);
  if (!id) throw errors.badRequest(`invalid ${kind.kind === "Pod" ? "pod" : "service"} request ${JSON.stringify(info.name)}`);
  if ((req.headers.get("upgrade") ?? "") !== "") throw errors.badRequest("upgrades (WebSocket) through the proxy subresource are not supported; use kubectl port-forward");
  const store = storeFor(env, kind, info.namespace);
  let target: { pod: string; node: string; port: number };
  if (kind.kind === "Pod") {
    const got = await store.get("pods", info.namespace, id.name);
    if (got.code >= 400) return new Response(got.body, { status: got.code, headers: { "content-type": "application/json" } });
    const pod = JSON.parse(got.body) as PodShape;
    if (!pod.spec?.nodeName) throw errors.badRequest(`pod ${id.name} does not have a host assigned`);
    let port = 80;
    if (id.port) {
      port = Number(id.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) throw errors.badRequest(`invalid port ${JSON.stringify(id.port)} for pod ${id.name}`);
    } else {
      // As kube-apiserver: the first declared container port, else 80.
      const containers = (pod.spec.containers ?? []) as Array<{ ports?: Array<{ containerPort: number }> }>;
      const first = containers.flatMap((c) => c.ports ?? [])[0];
      if (first) port = first.containerPort;
    }
    target = { pod: id.name, node: pod.spec.nodeName, port };
  } else {
    const got = await store.get("services", info.namespace, id.name);
    if (got.code >= 400) return new Response(got.body, { status: got.code, headers: { "content-type": "application/json" } });
    const svc = JSON.parse(got.body) as ServiceShape;
    const ports = svc.spec?.ports ?? [];
    const sp = id.port ? ports.find((p) => p.name === id.port || String(p.port) === id.port) : ports.length === 1 ? ports[0] : ports.find((p) => !p.name);
    if (!sp) throw new ApiError(503, "ServiceUnavailable", `no service port ${JSON.stringify(id.port)} found for service "${id.name}"`);
    const picked = await pickPodEndpoint(store, info.namespace, id.name, sp);
    if (!picked) throw new ApiError(503, "ServiceUnavailable", `no endpoints available for service "${id.name}"`);
    target = picked;
  }

  const body = ["GET", "HEAD"].includes(req.method) ? new ArrayBuffer(0) : await req.arrayBuffer();
  if (body.byteLength > MAX_PROXY_BODY) throw new ApiError(413, "RequestEntityTooLarge", `a proxied request body is limited to ${MAX_PROXY_BODY} bytes`);
  // Everything after …/{name}/proxy is the backend's path.
  const segments = url.pathname.split("/");
  const at = segments.indexOf("proxy", segments.indexOf(kind.plural) + 2);
  const proxy: ProxyRequest = {
    method: req.method,
    path: "/" + segments.slice(at + 1).join("/") + url.search,
    headers: [...req.headers],
    host: `${target.pod}:${target.port}`,
    bodyLength: body.byteLength,
  };
  // https:name:port: the agent speaks TLS to the pod without verifying it, as kube-apiserver's proxy does.
  return httpToPod(env, info.namespace, target, proxy, body, id.scheme === "https" ? { insecure: true } : undefined);
}

/** One HTTP request to a pod's port through its node's tunnel; `tls`: the agent speaks TLS to the pod (an admission webhook). */
export function httpToPod(env: Env, namespace: string, target: { pod: string; node: string; port: number }, proxy: ProxyRequest, body: ArrayBuffer | Uint8Array, tls?: { serverName?: string; ca?: string; insecure?: boolean }): Promise<Response> {
  const open: OpenRequest = { op: "portforward", req: { namespace, pod: target.pod, port: target.port, ...(tls ? { tls } : {}) }, mode: "http-proxy", node: target.node, proxy };
  const headers = new Headers({ [OPEN_HEADER]: encodeURIComponent(JSON.stringify(open)) });
  return nodeTunnel(env, target.node).fetch(new Request("https://tunnel.internal/open", { method: "POST", headers, body }));
}
