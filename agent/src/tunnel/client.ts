/**
 * The agent's end of the node tunnel: one outbound WebSocket to the control
 * plane (`GET {server}/edgeplane/v1/nodes/{node}/tunnel`, bearer token,
 * subprotocol v1.tunnel.edgeplane.dev) — so a node behind NAT needs no
 * inbound port — over which the control plane opens streams for
 * `kubectl logs|exec|attach|port-forward`. Each OPEN frame is dispatched to
 * the kubelet's NodeHandlers; their output goes back as DATA frames within
 * the stream's credit (frames.ts describes the wire format).
 *
 * The client reconnects on its own with capped exponential back-off, pings
 * to notice a dead connection, and aborts every running handler stream when
 * the connection or the caller goes away. It imports only `ws` (no undici,
 * no yaml) to keep the agent's idle memory small.
 */
import WebSocket from "ws";
import {
  CreditQueue,
  FrameType,
  ReceiveWindow,
  TUNNEL_PROTOCOL,
  decodeFrame,
  encodeFrame,
  type ErrorPayload,
  type Frame,
  type OpenPayload,
} from "../../../src/tunnel/frames.js";
import type { AttachRequest, Duplex, ExecRequest, LogRequest, NodeHandlers, PortForwardRequest } from "./types.js";
import { NodeStatusError } from "./types.js";
import type { ExecSession } from "../runtime/types.js";

export interface TunnelClientOptions {
  /** The API server's base URL (https://...). */
  server: string;
  /** Bearer token (today the admin token; node credentials later). */
  token: string;
  /** PEM of the CA to trust for the server's certificate (default: the system's). */
  ca?: string;
  /** The node this agent serves. */
  node: string;
  handlers: NodeHandlers;
  log?: (msg: string) => void;
  /** Reconnect back-off bounds (default 500 ms doubling to 30 s, with jitter). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Ping period; a connection that misses a pong for this long is dropped (default 20 s). */
  pingIntervalMs?: number;
}

const STDIN = 0;

/** One stream the control plane opened. */
class AgentStream {
  readonly abort = new AbortController();
  readonly out: CreditQueue;
  readonly received = new ReceiveWindow();
  session?: ExecSession;
  duplex?: Duplex;
  /** Input that arrived before the handler resolved. */
  pending: Frame[] = [];
  finished = false;

  constructor(
    readonly id: number,
    send: (frame: Uint8Array) => void,
  ) {
    this.out = new CreditQueue(send);
  }
}

export class TunnelClient {
  private ws?: WebSocket;
  private streams = new Map<number, AgentStream>();
  private closed = false;
  private attempt = 0;
  private reconnectTimer?: ReturnType<typeof setTimeout>;
  private pingTimer?: ReturnType<typeof setInterval>;
  private connectedWaiters: Array<() => void> = [];
  private readonly log: (msg: string) => void;

  constructor(private readonly opts: TunnelClientOptions) {
    this.log = opts.log ?? (() => {});
    this.connect();
  }

  /** Is the tunnel up right now? */
  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves once the tunnel is (or next becomes) connected. */
  whenConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((r) => this.connectedWaiters.push(r));
  }

  /** Drop the current connection abruptly, as a network failure would; the client reconnects. */
  dropConnection(): void {
    this.ws?.terminate();
  }

  /** Stop for good: close the connection, abort every stream, no reconnect. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once("close", () => resolve());
      ws.close(1000, "agent stopping");
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000).unref();
    });
  }

  private url(): string {
    const base = this.opts.server.replace(/\/+$/, "").replace(/^http/, "ws");
    return `${base}/edgeplane/v1/nodes/${encodeURIComponent(this.opts.node)}/tunnel`;
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.url(), [TUNNEL_PROTOCOL], {
      headers: { authorization: `Bearer ${this.opts.token}` },
      ca: this.opts.ca,
      perMessageDeflate: false,
      handshakeTimeout: 15_000,
    });
    this.ws = ws;
    let alive = true;
    ws.on("open", () => {
      this.attempt = 0;
      this.log(`tunnel: connected to ${this.opts.server} as node ${this.opts.node}`);
      for (const w of this.connectedWaiters.splice(0)) w();
      const period = this.opts.pingIntervalMs ?? 20_000;
      this.pingTimer = setInterval(() => {
        if (!alive) {
          this.log("tunnel: no pong from the server; reconnecting");
          ws.terminate();
          return;
        }
        alive = false;
        ws.ping();
      }, period);
      this.pingTimer.unref();
    });
    ws.on("pong", () => (alive = true));
    ws.on("message", (data, isBinary) => {
      alive = true;
      if (!isBinary) return;
      const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
      let f: Frame;
      try {
        f = decodeFrame(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (e) {
        this.log(`tunnel: protocol error: ${(e as Error).message}`);
        ws.close(1002, "protocol error");
        return;
      }
      this.onFrame(ws, f);
    });
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => {
        let msg = body;
        try {
          msg = JSON.parse(body).message ?? body;
        } catch {
          /* not a Status */
        }
        this.log(`tunnel: the server refused the tunnel: HTTP ${res.statusCode}: ${msg}`);
        ws.terminate();
      });
    });
    ws.on("error", (e) => this.log(`tunnel: ${e.message}`));
    ws.on("close", (code, reason) => {
      clearInterval(this.pingTimer);
      for (const s of [...this.streams.values()]) this.finish(s, true);
      if (this.ws === ws) this.ws = undefined;
      if (this.closed) return;
      if (code === 4000) this.log(`tunnel: replaced by a newer connection for node ${this.opts.node} (${reason.toString()})`);
      const min = this.opts.minBackoffMs ?? 500;
      const max = this.opts.maxBackoffMs ?? 30_000;
      // Replaced by another connection for this node (a duplicate agent?): come back slowly, not in a tug of war.
      const base = code === 4000 ? max : Math.min(max, min * 2 ** this.attempt++);
      const delay = base * (0.8 + Math.random() * 0.4);
      this.log(`tunnel: disconnected (${code}); reconnecting in ${Math.round(delay)} ms`);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
      this.reconnectTimer.unref?.();
    });
  }

  private onFrame(ws: WebSocket, f: Frame): void {
    if (f.type === FrameType.OPEN) {
      const s = new AgentStream(f.stream, (frame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      });
      this.streams.set(f.stream, s);
      void this.run(s, f.open);
      return;
    }
    const s = this.streams.get(f.stream);
    if (!s) return;
    switch (f.type) {
      case FrameType.WINDOW:
        s.out.grant(f.bytes);
        if (s.finished && s.out.queuedBytes === 0) this.streams.delete(s.id);
        return;
      case FrameType.ERROR:
        // The caller went away (or the control plane gave up): stop the handler.
        s.finished = false;
        this.finish(s, true);
        return;
      case FrameType.DATA:
      case FrameType.CLOSE:
      case FrameType.RESIZE:
        if (s.session || s.duplex) this.input(s, f);
        else s.pending.push(f);
        return;
    }
  }

  /** Stdin, its EOF, a resize, or port-forward bytes from the caller. */
  private input(s: AgentStream, f: Frame): void {
    if (f.type === FrameType.DATA && f.channel === STDIN) {
      if (s.session) s.session.write(f.data);
      else s.duplex?.write(f.data);
      // Handed to the process: return the credit (batched).
      const credit = s.received.consume(f.data.length);
      if (credit) s.out.control(encodeFrame({ type: FrameType.WINDOW, stream: s.id, bytes: credit }));
    } else if (f.type === FrameType.CLOSE && f.channel === STDIN) {
      if (s.session) s.session.closeStdin();
      else s.duplex?.end();
    } else if (f.type === FrameType.RESIZE && s.session) {
      s.session.resize(f.cols, f.rows).catch((e) => this.log(`tunnel: resize failed: ${(e as Error).message}`));
    }
  }

  private async run(s: AgentStream, open: OpenPayload): Promise<void> {
    const h = this.opts.handlers;
    try {
      switch (open.op) {
        case "logs": {
          const iterable = await h.logs(open.req as LogRequest, s.abort.signal);
          if (s.finished) return;
          s.out.control(encodeFrame({ type: FrameType.ACCEPT, stream: s.id }));
          for await (const chunk of iterable) {
            if (s.finished) break;
            s.out.data(s.id, 1, chunk);
            // Pace the reader by the caller's credit: a stalled `kubectl logs` stalls the read here.
            await s.out.window.wait(s.abort.signal);
            if (s.finished) break;
          }
          this.end(s, {});
          return;
        }
        case "exec":
        case "attach": {
          const session = open.op === "exec" ? await h.exec(open.req as ExecRequest) : await h.attach(open.req as AttachRequest);
          if (s.finished) {
            session.kill();
            return;
          }
          s.session = session;
          s.out.control(encodeFrame({ type: FrameType.ACCEPT, stream: s.id }));
          session.onOutput((stream, data) => {
            if (s.finished) return;
            if (!s.out.data(s.id, stream, data)) {
              session.kill();
              this.fail(s, new NodeStatusError(500, "InternalError", "output buffer overflow: the caller is not reading"));
            }
          });
          for (const f of s.pending.splice(0)) this.input(s, f);
          const code = await session.done;
          this.end(s, { exitCode: code });
          return;
        }
        case "portforward": {
          const duplex = await h.portForward(open.req as PortForwardRequest);
          if (s.finished) {
            duplex.end();
            return;
          }
          s.duplex = duplex;
          s.out.control(encodeFrame({ type: FrameType.ACCEPT, stream: s.id }));
          const ended = new Promise<void>((resolve) => duplex.onEnd(resolve));
          duplex.onData((data) => {
            if (!s.finished && !s.out.data(s.id, 1, data)) {
              duplex.end();
              this.fail(s, new NodeStatusError(500, "InternalError", "port-forward buffer overflow: the caller is not reading"));
            }
          });
          for (const f of s.pending.splice(0)) this.input(s, f);
          await ended;
          this.end(s, {});
          return;
        }
        default:
          throw new NodeStatusError(400, "BadRequest", `unknown tunnel operation ${JSON.stringify((open as { op: unknown }).op)}`);
      }
    } catch (e) {
      if (s.finished || s.abort.signal.aborted) return;
      this.fail(s, e);
    }
  }

  private end(s: AgentStream, end: { exitCode?: number }): void {
    if (s.finished) return;
    s.out.control(encodeFrame({ type: FrameType.END, stream: s.id, end }));
    this.finish(s, false);
  }

  private fail(s: AgentStream, e: unknown): void {
    if (s.finished) return;
    const error: ErrorPayload =
      e instanceof NodeStatusError ? { code: e.code, reason: e.reason, message: e.message } : { code: 500, reason: "InternalError", message: e instanceof Error ? e.message : String(e) };
    s.out.control(encodeFrame({ type: FrameType.ERROR, stream: s.id, error }));
    this.finish(s, true);
  }

  /** Forget a stream; `kill` also stops its handler (caller gone, connection lost, failure). */
  private finish(s: AgentStream, kill: boolean): void {
    if (s.finished) return;
    s.finished = true;
    // A stream that ended normally stays known until its queued output (and END) got their credit.
    if (kill || s.out.queuedBytes === 0) this.streams.delete(s.id);
    if (kill) {
      s.abort.abort();
      s.session?.kill();
      s.duplex?.end();
      s.out.clear();
    }
  }
}
