/**
 * NodeTunnel: one Durable Object per node (`idFromName(nodeName)`) that
 * holds the WebSocket the node's agent dialled out to us, and relays
 * `kubectl logs|exec|attach` to it as multiplexed streams (frames.ts).
 *
 * Why a Durable Object: every request for a node, from whichever Worker
 * isolate it lands on, must reach the one place that owns that node's
 * socket. The agent socket is accepted with the hibernation API, so an idle
 * tunnel costs nothing and survives the object being evicted (it is found
 * again with `getWebSockets("agent")`); an active stream pins the object in
 * memory through its pending response or its caller's WebSocket, so the
 * in-memory stream table is never lost mid-stream. A newer agent connection
 * for the node replaces the older one (close code 4000), failing the older
 * one's streams.
 *
 * The Worker (pod-proxy.ts) has already authenticated and authorized the
 * caller and resolved the pod; it talks to this object with `fetch`:
 * `/connect` (the agent's upgrade) and `/open` (a stream, described by the
 * `x-edgeplane-tunnel` header).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.js";
import { ApiError } from "../apimachinery/status.js";
import {
  CreditQueue,
  FrameType,
  INITIAL_WINDOW,
  MAX_CHUNK,
  PORT_FORWARD_MAX_QUEUED,
  RELAY_PROTOCOL,
  ReceiveWindow,
  TUNNEL_PROTOCOL,
  decodeFrame,
  encodeFrame,
  type EndPayload,
  type ErrorPayload,
  type TunnelOp,
} from "./frames.js";
import { K8sChannel, channelMessage, decodeClientMessage, offeredProtocols, outcomeMessage, type ChannelProtocol, type Outcome } from "./channels.js";
import { PortForwardSession, SPDY_TUNNEL_PROTOCOL, type Upstream } from "./port-forward.js";
import { DROP_RESPONSE, ResponseReader, requestHead, type ProxyRequest } from "./http-proxy.js";
import { actorStub, assertHostedHere } from "../actors.js";

export const OPEN_HEADER = "x-edgeplane-tunnel";
/** On a streamed response: its stream id, for `cancel`. */
export const STREAM_HEADER = "x-edgeplane-tunnel-stream";

/** What the Worker asks this object to open. */
export interface OpenRequest {
  op: TunnelOp;
  req: unknown;
  /**
   * "http": a streamed response (logs); "websocket": the caller's upgrade, with the negotiated channel
   * protocol; "portforward": the caller's upgrade carrying a SPDY session (req: the pod, without a port);
   * "http-proxy": one HTTP request to a pod's port (req: pod and port; the request's body is the body);
   * "relay": the caller's upgrade carrying one TCP connection's bytes to a pod's port (req: pod and port).
   */
  mode: "http" | "websocket" | "portforward" | "http-proxy" | "relay";
  proxy?: ProxyRequest;
  protocol?: ChannelProtocol;
  node: string;
}

const REPLACED = 4000;

export function noAgent(node: string): ApiError {
  // 503, not kube-apiserver's 500: nothing is wrong with the request or the server, the node's agent
  // is (for now) not connected, and a retry may well succeed once it reconnects.
  return new ApiError(503, "ServiceUnavailable", `error dialing backend: no tunnel from node "${node}" is connected (is its agent running?)`);
}

/** One multiplexed stream, from the control plane's side. */
class Stream {
  readonly out: CreditQueue;
  readonly received = new ReceiveWindow();
  finished = false;
  accepted: Promise<void>;
  private settle!: { resolve(): void; reject(e: ApiError): void };
  onData: (channel: number, data: Uint8Array) => void = () => {};
  onEnd: (end: EndPayload) => void = () => {};
  onError: (e: ErrorPayload) => void = () => {};

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    private readonly forget: (id: number) => void,
    private readonly op: TunnelOp,
  ) {
    this.accepted = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.accepted.catch(() => {});
    this.out = new CreditQueue((f) => this.raw(f), op === "portforward" ? PORT_FORWARD_MAX_QUEUED : undefined);
  }

  private raw(frame: Uint8Array): void {
    try {
      this.socket.send(frame);
    } catch {
      this.fail({ code: 503, reason: "ServiceUnavailable", message: "the node's tunnel closed" });
    }
  }

  /** Data to the agent, within its credit; queued beyond it, up to MAX_QUEUED. */
  write(channel: number, data: Uint8Array): void {
    if (this.finished) return;
    if (!this.out.data(this.id, channel, data)) {
      const why =
        this.op === "portforward"
          ? `upload buffer overflow: the pod reads more slowly than the client sends, and ${PORT_FORWARD_MAX_QUEUED >> 20} MiB are waiting`
          : "stdin buffer overflow: the process is not reading its input";
      this.abort(why);
      this.fail({ code: 500, reason: "InternalError", message: why });
    }
  }

  /** Half-close one of our channels (stdin EOF), in order after the data already written. */
  closeChannel(channel: number): void {
    if (!this.finished) this.out.control(encodeFrame({ type: FrameType.CLOSE, stream: this.id, channel }));
  }

  control(frame: Uint8Array): void {
    if (!this.finished) this.raw(frame);
  }

  /** The caller consumed n bytes: return credit to the agent when a batch is due. */
  consumed(n: number): void {
    const credit = this.received.consume(n);
    if (credit) this.control(encodeFrame({ type: FrameType.WINDOW, stream: this.id, bytes: credit }));
  }

  /** The caller went away: tell the agent to stop. */
  abort(message = "the caller went away"): void {
    if (this.finished) return;
    this.raw(encodeFrame({ type: FrameType.ERROR, stream: this.id, error: { code: 499, reason: "Cancelled", message } }));
    this.finish();
  }

  fail(e: ErrorPayload): void {
    if (this.finished) return;
    this.finish();
    this.settle.reject(new ApiError(e.code, (e.reason || "InternalError") as ApiError["reason"], e.message));
    this.onError(e);
  }

  private finish(): void {
    this.finished = true;
    this.out.clear();
    this.forget(this.id);
  }

  /** A frame from the agent for this stream. */
  receive(f: ReturnType<typeof decodeFrame>): void {
    switch (f.type) {
      case FrameType.ACCEPT:
        this.settle.resolve();
        return;
      case FrameType.DATA:
        this.onData(f.channel, f.data);
        return;
      case FrameType.WINDOW:
        this.out.grant(f.bytes);
        return;
      case FrameType.END:
        if (this.finished) return;
        this.finish();
        this.settle.resolve();
        this.onEnd(f.end);
        return;
      case FrameType.ERROR:
        this.fail(f.error);
        return;
    }
  }
}

export class NodeTunnel extends DurableObject<Env> {
  private streams = new Map<number, Stream>();
  private nextId = (crypto.getRandomValues(new Uint32Array(1))[0] & 0x7fffffff) || 1;

  constructor(ctx: DurableObjectState, env: Env) {
    assertHostedHere(env, "NodeTunnel");
    super(ctx, env);
  }

  private agentSocket(): WebSocket | undefined {
    const all = this.ctx.getWebSockets("agent");
    return all.find((ws) => ws.readyState === WebSocket.OPEN) ?? undefined;
  }

  override async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    try {
      if (url.pathname === "/connect") return this.acceptAgent(req);
      if (url.pathname === "/open") {
        const open = JSON.parse(decodeURIComponent(req.headers.get(OPEN_HEADER) ?? "")) as OpenRequest;
        if (open.mode === "portforward") return this.openPortForward(open);
        if (open.mode === "relay") return this.openRelay(open);
        if (open.mode === "http-proxy") return await this.openHttpProxy(open, await req.arrayBuffer());
        return open.mode === "websocket" ? this.openWebSocket(open) : await this.openHttp(open);
      }
      return new Response("not found", { status: 404 });
    } catch (e) {
      const err = e instanceof ApiError ? e : new ApiError(500, "InternalError", (e as Error).message);
      return new Response(JSON.stringify(err.toStatus()), { status: err.code, headers: { "content-type": "application/json" } });
    }
  }

  /** The Worker saw the caller of a streamed response leave: stop the stream on the node. */
  cancel(id: number): void {
    this.streams.get(id)?.abort();
  }

  /** Is an agent connected? (The Worker asks before refusing a SPDY upgrade, so errors come in the right order.) */
  connected(): boolean {
    return !!this.agentSocket();
  }

  private acceptAgent(req: Request): Response {
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response(JSON.stringify(new ApiError(400, "BadRequest", "the node tunnel needs a WebSocket upgrade").toStatus()), { status: 400 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    for (const old of this.ctx.getWebSockets("agent")) {
      this.dropAgent(old, "replaced by a newer connection from the node");
      try {
        old.close(REPLACED, "replaced by a newer connection");
      } catch {
        /* already closed */
      }
    }
    this.ctx.acceptWebSocket(server, ["agent"]);
    const headers = new Headers();
    if (offeredProtocols(req.headers.get("sec-websocket-protocol")).includes(TUNNEL_PROTOCOL)) headers.set("sec-websocket-protocol", TUNNEL_PROTOCOL);
    return new Response(null, { status: 101, webSocket: client, headers });
  }

  /** Fail every stream that was running over this agent socket. */
  private dropAgent(ws: WebSocket, why: string): void {
    for (const s of [...this.streams.values()]) if (s.socket === ws) s.fail({ code: 503, reason: "ServiceUnavailable", message: `the node's tunnel closed: ${why}` });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message === "string") return;
    let f;
    try {
      f = decodeFrame(message);
    } catch (e) {
      this.dropAgent(ws, (e as Error).message);
      ws.close(1002, "protocol error");
      return;
    }
    const s = this.streams.get(f.stream);
    if (s && s.socket === ws) s.receive(f);
    else if (f.type !== FrameType.ERROR && f.type !== FrameType.END && f.type !== FrameType.WINDOW) {
      // A stream we no longer know (its caller left): tell the agent to stop it.
      ws.send(encodeFrame({ type: FrameType.ERROR, stream: f.stream, error: { code: 499, reason: "Cancelled", message: "unknown stream" } }));
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.dropAgent(ws, `closed (${code}${reason ? " " + reason : ""})`);
  }

  override async webSocketError(ws: WebSocket, error: unknown): Promise<void> {
    this.dropAgent(ws, error instanceof Error ? error.message : "socket error");
  }

  private open(open: OpenRequest): Stream {
    const socket = this.agentSocket();
    if (!socket) throw noAgent(open.node);
    const id = this.nextId;
    this.nextId = this.nextId >= 0x7fffffff ? 1 : this.nextId + 1;
    const s = new Stream(id, socket, (x) => this.streams.delete(x), open.op);
    this.streams.set(id, s);
    socket.send(encodeFrame({ type: FrameType.OPEN, stream: id, open: { op: open.op, req: open.req } }));
    return s;
  }

  /** logs: a streamed text/plain body, paced by the reader (credit is returned as chunks are pulled). */
  private async openHttp(open: OpenRequest): Promise<Response> {
    const s = this.open(open);
    const queue: Uint8Array[] = [];
    let queuedBytes = 0;
    let ended = false;
    let failure: ErrorPayload | undefined;
    let wake: (() => void) | undefined;
    const poke = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    s.onData = (_ch, data) => {
      queue.push(data);
      queuedBytes += data.length;
      if (queuedBytes > INITIAL_WINDOW + 2 * MAX_CHUNK) s.abort("the node sent more than its window");
      poke();
    };
    s.onEnd = () => {
      ended = true;
      poke();
    };
    s.onError = (e) => {
      failure = e;
      poke();
    };
    await s.accepted;
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          while (!queue.length && !ended && !failure) await new Promise<void>((r) => (wake = r));
          const chunk = queue.shift();
          if (chunk) {
            queuedBytes -= chunk.length;
            controller.enqueue(chunk);
            s.consumed(chunk.length);
            return;
          }
          if (failure) controller.error(new Error(failure.message));
          else controller.close();
        },
        cancel() {
          s.abort();
          poke();
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, {
      status: 200,
      // Streamed as written: no compression (a compressor holds bytes back) and no transformation by the edge.
      headers: { "content-type": "text/plain", "cache-control": "no-cache, private, no-transform", "content-encoding": "identity", [STREAM_HEADER]: String(s.id) },
    });
  }

  /**
   * port-forward: kubectl's SPDY session inside its WebSocket (port-forward.ts); every connection it
   * opens is a tunnel stream to the agent, which connects to the port in the pod.
   */
  private openPortForward(open: OpenRequest): Response {
    if (!this.agentSocket()) throw noAgent(open.node);
    const target = open.req as PortForwardTarget;
    // The session is made just below; the caller's messages only arrive after this returns.
    let session: PortForwardSession | undefined;
    const { client, server } = callerSocket(
      (data) => session?.receive(data),
      () => session?.end(),
    );
    session = new PortForwardSession({
      send: (bytes) => server.send(bytes),
      close: (code, reason) => {
        try {
          server.close(code, reason);
        } catch {
          /* already closed */
        }
      },
      pod: { name: target.pod, uid: target.uid },
      dial: (port) => this.dialPort(open, target, port),
    });
    return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": SPDY_TUNNEL_PROTOCOL } });
  }

  /**
   * Another node's agent reaching a pod here (a Service endpoint on this node): one TCP connection, its
   * bytes as binary WebSocket messages each way (RELAY_PROTOCOL); an empty message is the caller's
   * half-close. The pod closing closes the WebSocket (1000); failing to connect closes it with 1011 and
   * the reason; the caller closing drops the connection.
   */
  private openRelay(open: OpenRequest): Response {
    const s = this.open(open);
    let closed = false;
    const { client, server } = callerSocket(
      // An empty message is the caller's half-close (its end of the connection is done sending).
      (data) => (data.length === 0 ? s.closeChannel(K8sChannel.STDIN) : s.write(K8sChannel.STDIN, data)),
      () => {
        closed = true;
        s.abort();
      },
    );
    const close = (code: number, reason: string) => {
      if (closed) return;
      closed = true;
      try {
        server.close(code, reason.slice(0, 120));
      } catch {
        /* the caller is gone */
      }
    };
    s.onData = (_channel, data) => {
      if (closed) return;
      try {
        server.send(data);
      } catch {
        s.abort();
        return;
      }
      s.consumed(data.length);
    };
    s.onEnd = () => close(1000, "");
    s.onError = (e) => close(1011, e.message);
    return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": RELAY_PROTOCOL } });
  }

  /** pods/proxy, services/proxy: one HTTP/1.1 exchange with the pod's port over a port-forward stream. */
  private openHttpProxy(open: OpenRequest, body: ArrayBuffer): Promise<Response> {
    const proxy = open.proxy!;
    const s = this.open(open);
    return new Promise<Response>((resolve, reject) => {
      let out: ReadableStreamDefaultController<Uint8Array> | undefined;
      let answered = false;
      const fail = (message: string) => {
        s.abort(message);
        if (!answered) reject(new ApiError(503, "ServiceUnavailable", `error trying to reach service: ${message}`));
        else out?.error(new Error(message));
      };
      const reader = new ResponseReader(proxy.method, {
        head: (h) => {
          answered = true;
          const headers = new Headers();
          for (const [k, v] of h.headers) if (!DROP_RESPONSE.has(k.toLowerCase())) headers.append(k, v);
          const empty = proxy.method === "HEAD" || h.status === 204 || h.status === 304;
          const stream = empty ? null : new ReadableStream<Uint8Array>({ start: (c) => void (out = c), cancel: () => s.abort() });
          resolve(new Response(stream, { status: h.status, statusText: h.statusText, headers }));
        },
        body: (b) => out?.enqueue(b),
        done: () => {
          try {
            out?.close();
          } catch {
            /* the caller cancelled */
          }
          s.abort("response complete");
        },
      });
      s.onData = (_channel, data) => {
        try {
          reader.push(data);
        } catch (e) {
          return fail((e as Error).message);
        }
        s.consumed(data.length);
      };
      s.onEnd = () => {
        try {
          reader.end();
        } catch (e) {
          fail((e as Error).message);
        }
      };
      s.onError = (e) => fail(e.message);
      s.write(K8sChannel.STDIN, requestHead(proxy));
      if (body.byteLength) s.write(K8sChannel.STDIN, new Uint8Array(body));
    });
  }

  /** One port-forward connection as a tunnel stream (data on the stdin/stdout channels). */
  private dialPort(open: OpenRequest, target: PortForwardTarget, port: number): Upstream {
    let s: Stream | undefined;
    const up: Upstream = {
      write: (data) => s?.write(K8sChannel.STDIN, data),
      closeWrite: () => s?.closeChannel(K8sChannel.STDIN),
      abort: () => s?.abort(),
      consumed: (n) => s?.consumed(n),
      onData: () => {},
      onEnd: () => {},
      onError: () => {},
    };
    try {
      s = this.open({ ...open, req: { namespace: target.namespace, pod: target.pod, port } });
    } catch (e) {
      // The agent went away since the session began: the connection fails on its error stream (once the session listens).
      queueMicrotask(() => up.onError((e as Error).message));
      return up;
    }
    s.onData = (_channel, data) => up.onData(data);
    s.onEnd = () => up.onEnd();
    s.onError = (e) => up.onError(e.message);
    return up;
  }

  /** exec/attach: the caller's WebSocket, translated between Kubernetes' channel protocol and tunnel frames. */
  private openWebSocket(open: OpenRequest): Response {
    const protocol = open.protocol ?? "v5.channel.k8s.io";
    const s = this.open(open);
    let closed = false;
    const { client, server } = callerSocket(
      (data) => {
        const m = decodeClientMessage(data, protocol);
        if (m.kind === "stdin") s.write(K8sChannel.STDIN, m.data);
        else if (m.kind === "resize") s.control(encodeFrame({ type: FrameType.RESIZE, stream: s.id, cols: m.cols, rows: m.rows }));
        else if (m.kind === "close" && m.channel === K8sChannel.STDIN) s.closeChannel(K8sChannel.STDIN);
      },
      () => {
        closed = true;
        s.abort();
      },
    );
    const finish = (outcome: Outcome) => {
      if (closed) return;
      closed = true;
      const msg = outcomeMessage(outcome, protocol);
      try {
        if (msg) server.send(msg);
        server.close(1000, "");
      } catch {
        /* the caller is gone */
      }
    };
    s.onData = (channel, data) => {
      if (closed) return;
      try {
        server.send(channelMessage(channel === K8sChannel.STDERR ? K8sChannel.STDERR : K8sChannel.STDOUT, data));
      } catch {
        s.abort();
        return;
      }
      // A WebSocket in Workers gives no backpressure signal: credit returns as soon as the bytes are handed on.
      s.consumed(data.length);
    };
    s.onEnd = (end) => finish({ exitCode: end.exitCode ?? 0 });
    s.onError = (e) => finish({ error: e });
    return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": protocol } });
  }
}

/**
 * The server end of a caller's WebSocket upgrade (exec/attach, port-forward, relay), accepted here:
 * its binary messages go to onBytes (as bytes at once: newer compatibility dates would deliver Blobs),
 * and its closing or failing to onGone.
 */
function callerSocket(onBytes: (data: Uint8Array) => void, onGone: () => void): { client: WebSocket; server: WebSocket } {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.binaryType = "arraybuffer";
  server.accept();
  server.addEventListener("message", (ev) => {
    if (typeof ev.data !== "string") onBytes(new Uint8Array(ev.data as ArrayBuffer));
  });
  server.addEventListener("close", onGone);
  server.addEventListener("error", onGone);
  return { client, server };
}

/** The target of a port-forward: the pod; each connection adds its port. */
export interface PortForwardTarget {
  namespace: string;
  pod: string;
  uid?: string;
}

/** The tunnel object of a node. */
export function nodeTunnel(env: Env, node: string): DurableObjectStub<NodeTunnel> {
  return actorStub(env, env.TUNNEL, "NodeTunnel", node);
}
