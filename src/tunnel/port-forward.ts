/**
 * The kubelet's side of `kubectl port-forward` (protocol portforward.k8s.io),
 * over the SPDY session kubectl tunnels through its WebSocket (spdy.ts). For
 * every local connection kubectl opens two streams sharing a `requestid`
 * header: an error stream (which it half-closes at once and reads to the end:
 * any text there is an error it prints) and a data stream (the connection's
 * bytes both ways); `port` says where to connect in the pod. Once both are
 * there the session dials the pod through the node tunnel and relays. When
 * the pod side ends, both streams are finished; when it fails, the reason goes
 * on the error stream first, worded as the kubelet words it. Pure logic over
 * two small interfaces (the caller's bytes, a dialer), so it is unit-tested
 * without Workers; NodeTunnel wires it to a WebSocket and tunnel streams.
 */
import { FrameReader, FrameWriter, GoAwayStatus, RstStatus, SpdyError, type SpdyFrame } from "./spdy.js";

export const PORT_FORWARD_PROTOCOL = "portforward.k8s.io";
/** The WebSocket subprotocol kubectl ≥ 1.31 offers: SPDY tunnelled in binary messages. */
export const SPDY_TUNNEL_PROTOCOL = `SPDY/3.1+${PORT_FORWARD_PROTOCOL}`;
/** Connections one session may hold open at once; more are refused (RST_STREAM REFUSED_STREAM). */
export const MAX_PAIRS = 256;
/** DATA frames to kubectl carry at most this much (its own frames are 32 KiB). */
const CHUNK = 32 * 1024;

/** A connection to a port of the pod (a node tunnel stream). */
export interface Upstream {
  write(data: Uint8Array): void;
  /** No more bytes from the caller (half-close). */
  closeWrite(): void;
  /** Stop: the caller went away. */
  abort(): void;
  /** The caller was handed n bytes (flow-control credit back to the node). */
  consumed(n: number): void;
  onData: (data: Uint8Array) => void;
  onEnd: () => void;
  onError: (message: string) => void;
}

export interface PortForwardHost {
  /** Send bytes to kubectl (one binary WebSocket message). */
  send(bytes: Uint8Array): void;
  /** End the caller's connection. */
  close(code: number, reason: string): void;
  dial(port: number): Upstream;
  /** For error messages: "pod <name>, uid <uid>". */
  pod: { name: string; uid?: string };
}

interface Pair {
  id: string;
  port: number;
  error?: number;
  data?: number;
  upstream?: Upstream;
  /** Bytes (and the half-close) from the caller before the pod was dialled. */
  pending: Uint8Array[];
  callerDone: boolean;
  done: boolean;
}

export class PortForwardSession {
  private readonly reader = new FrameReader();
  private readonly writer = new FrameWriter();
  private readonly pairs = new Map<string, Pair>();
  private readonly byStream = new Map<number, Pair>();
  private lastStream = 0;
  private closed = false;

  constructor(private readonly host: PortForwardHost) {}

  /** Bytes from kubectl (one WebSocket message: any slice of the SPDY byte stream). */
  receive(bytes: Uint8Array): void {
    if (this.closed) return;
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(bytes);
    } catch (e) {
      this.fail(e instanceof SpdyError ? e.message : String(e));
      return;
    }
    for (const f of frames) this.frame(f);
  }

  /** The caller's WebSocket closed or failed: stop every connection. */
  end(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pairs.values()) this.finish(p, true);
  }

  private frame(f: SpdyFrame): void {
    switch (f.type) {
      case "syn_stream":
        return this.synStream(f.stream, f.headers, f.fin);
      case "data": {
        const p = this.byStream.get(f.stream);
        if (!p || p.done) return;
        if (f.stream !== p.data) return;
        if (!p.upstream) {
          if (f.data.length) p.pending.push(f.data);
          p.callerDone ||= f.fin;
          return;
        }
        if (f.data.length) p.upstream.write(f.data);
        if (f.fin) p.upstream.closeWrite();
        return;
      }
      case "rst_stream": {
        const p = this.byStream.get(f.stream);
        if (p) this.finish(p, true);
        return;
      }
      case "ping":
        // Pings are answered with the same frame (the Go client sends odd ids and waits for the echo).
        this.send(this.writer.ping(f.id));
        return;
      case "goaway":
        this.end();
        this.host.close(1000, "");
        return;
      default:
        return;
    }
  }

  private synStream(stream: number, headers: Map<string, string>, fin: boolean): void {
    if (stream <= this.lastStream || stream % 2 === 0) {
      this.send(this.writer.rst(stream, RstStatus.PROTOCOL_ERROR));
      return;
    }
    this.lastStream = stream;
    const type = headers.get("streamtype");
    const port = Number(headers.get("port"));
    if ((type !== "error" && type !== "data") || !Number.isInteger(port) || port < 1 || port > 65535) {
      // As the kubelet does with a stream it cannot use: refuse it, the session goes on.
      this.send(this.writer.rst(stream, RstStatus.PROTOCOL_ERROR));
      return;
    }
    // Clients before requestid paired an error stream with the data stream two ids later.
    const id = headers.get("requestid") ?? String(type === "data" ? stream - 2 : stream);
    let p = this.pairs.get(id);
    if (!p) {
      if (this.pairs.size >= MAX_PAIRS) {
        this.send(this.writer.rst(stream, RstStatus.REFUSED_STREAM));
        return;
      }
      p = { id, port, pending: [], callerDone: false, done: false };
      this.pairs.set(id, p);
    }
    if (p[type] !== undefined || p.port !== port) {
      this.send(this.writer.rst(stream, RstStatus.PROTOCOL_ERROR));
      return;
    }
    p[type] = stream;
    this.byStream.set(stream, p);
    this.send(this.writer.synReply(stream));
    if (type === "data" && fin) p.callerDone = true;
    if (p.error !== undefined && p.data !== undefined) this.connect(p);
  }

  private connect(p: Pair): void {
    const up = this.host.dial(p.port);
    p.upstream = up;
    up.onData = (data) => {
      if (p.done) return;
      for (let at = 0; at < data.length; at += CHUNK) this.send(this.writer.data(p.data!, data.subarray(at, at + CHUNK)));
      // A WebSocket in Workers gives no backpressure signal: credit returns as soon as the bytes are handed on.
      up.consumed(data.length);
    };
    up.onEnd = () => this.finish(p, false);
    up.onError = (message) => {
      if (p.done) return;
      const who = this.host.pod.uid ? `pod ${this.host.pod.name}, uid ${this.host.pod.uid}` : `pod ${this.host.pod.name}`;
      this.send(this.writer.data(p.error!, new TextEncoder().encode(`error forwarding port ${p.port} to ${who}: ${message}`)));
      this.finish(p, false);
    };
    for (const b of p.pending.splice(0)) up.write(b);
    if (p.callerDone) up.closeWrite();
  }

  /** Finish both streams of a connection (FIN on each); aborting also stops the pod side. */
  private finish(p: Pair, abort: boolean): void {
    if (p.done) return;
    p.done = true;
    this.pairs.delete(p.id);
    if (p.error !== undefined) this.byStream.delete(p.error);
    if (p.data !== undefined) this.byStream.delete(p.data);
    if (abort) p.upstream?.abort();
    if (this.closed) return;
    if (p.data !== undefined) this.send(this.writer.data(p.data, new Uint8Array(), true));
    if (p.error !== undefined) this.send(this.writer.data(p.error, new Uint8Array(), true));
  }

  private fail(message: string): void {
    if (this.closed) return;
    this.send(this.writer.goAway(this.lastStream, GoAwayStatus.PROTOCOL_ERROR));
    this.end();
    this.host.close(1002, `SPDY protocol error: ${message}`.slice(0, 120));
  }

  private send(bytes: Uint8Array): void {
    try {
      this.host.send(bytes);
    } catch {
      this.end();
    }
  }
}
