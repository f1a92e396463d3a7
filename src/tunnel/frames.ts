/**
 * The node tunnel's wire format, shared by the control plane (the NodeTunnel
 * Durable Object, in workerd) and the node agent (Node): one module, web
 * standards only (Uint8Array, DataView, TextEncoder), so both sides encode
 * and decode exactly the same bytes.
 *
 * Why a tunnel at all: nodes may sit behind NAT with no inbound port, so the
 * agent dials out one WebSocket (`GET /edgeplane/v1/nodes/{node}/tunnel`,
 * subprotocol `v1.tunnel.edgeplane.dev`) and the control plane multiplexes
 * every `kubectl logs|exec|attach|port-forward` for that node over it.
 *
 * Framing: one frame per binary WebSocket message.
 *
 *   byte 0      frame type (below)
 *   bytes 1..4  stream id, uint32 big-endian (chosen by the control plane, which opens every stream)
 *   bytes 5..   payload
 *
 *   OPEN    1  cp → agent   JSON {op: "logs"|"exec"|"attach"|"portforward", req: <LogRequest|ExecRequest|...>}
 *   ACCEPT  2  agent → cp   empty: the handler accepted; data may follow
 *   DATA    3  both         [channel u8][bytes]: 0 stdin (or port-forward data from the caller),
 *                           1 stdout / log bytes / port-forward data to the caller, 2 stderr
 *   CLOSE   4  both         [channel u8]: half-close of one channel (stdin EOF; port-forward write side)
 *   END     5  agent → cp   JSON {exitCode?: number}: the stream finished normally (last frame)
 *   ERROR   6  both         JSON {code, reason, message}: the stream failed (agent → cp, a metav1.Status
 *                           to show) or was abandoned (cp → agent: the caller went away; abort it). Last frame.
 *   RESIZE  7  cp → agent   [cols u16][rows u16]
 *   WINDOW  8  both         [bytes u32]: flow-control credit (below)
 *
 * Flow control: each direction of each stream starts with INITIAL_WINDOW
 * bytes of credit for DATA payloads. A sender that has used its credit
 * waits (or queues, up to MAX_QUEUED, then fails the stream) until the
 * receiver returns credit with WINDOW frames as it consumes the bytes — a
 * `kubectl logs` reader that stops reading stops the container's log being
 * read on the node, instead of piling it up in the Durable Object's memory.
 *
 * DATA payloads are at most MAX_CHUNK bytes; senders split larger writes.
 */

export const TUNNEL_PROTOCOL = "v1.tunnel.edgeplane.dev";

export const FrameType = {
  OPEN: 1,
  ACCEPT: 2,
  DATA: 3,
  CLOSE: 4,
  END: 5,
  ERROR: 6,
  RESIZE: 7,
  WINDOW: 8,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export const Channel = { STDIN: 0, STDOUT: 1, STDERR: 2 } as const;

/** Credit each side starts with per stream, and the most a sender may queue beyond it before failing the stream. */
export const INITIAL_WINDOW = 256 * 1024;
export const MAX_QUEUED = 4 * 1024 * 1024;
/**
 * The queue of a port-forward connection's upload: a Worker cannot slow the sender of a WebSocket down
 * (no backpressure on received messages), so an upload faster than the pod reads waits here, up to this.
 */
export const PORT_FORWARD_MAX_QUEUED = 32 * 1024 * 1024;
export const MAX_CHUNK = 64 * 1024;

export type TunnelOp = "logs" | "exec" | "attach" | "portforward";

export interface OpenPayload {
  op: TunnelOp;
  req: unknown;
}

export interface ErrorPayload {
  code: number;
  reason: string;
  message: string;
}

export interface EndPayload {
  exitCode?: number;
}

export type Frame =
  | { type: typeof FrameType.OPEN; stream: number; open: OpenPayload }
  | { type: typeof FrameType.ACCEPT; stream: number }
  | { type: typeof FrameType.DATA; stream: number; channel: number; data: Uint8Array }
  | { type: typeof FrameType.CLOSE; stream: number; channel: number }
  | { type: typeof FrameType.END; stream: number; end: EndPayload }
  | { type: typeof FrameType.ERROR; stream: number; error: ErrorPayload }
  | { type: typeof FrameType.RESIZE; stream: number; cols: number; rows: number }
  | { type: typeof FrameType.WINDOW; stream: number; bytes: number };

const HEADER = 5;
const enc = new TextEncoder();
const dec = new TextDecoder();

function frame(type: FrameType, stream: number, payloadLength: number): { buf: Uint8Array; view: DataView } {
  const buf = new Uint8Array(HEADER + payloadLength);
  const view = new DataView(buf.buffer);
  view.setUint8(0, type);
  view.setUint32(1, stream >>> 0);
  return { buf, view };
}

function withJson(type: FrameType, stream: number, value: unknown): Uint8Array {
  const body = enc.encode(JSON.stringify(value));
  const { buf } = frame(type, stream, body.length);
  buf.set(body, HEADER);
  return buf;
}

export function encodeFrame(f: Frame): Uint8Array {
  switch (f.type) {
    case FrameType.OPEN:
      return withJson(f.type, f.stream, f.open);
    case FrameType.ACCEPT:
      return frame(f.type, f.stream, 0).buf;
    case FrameType.DATA: {
      const { buf } = frame(f.type, f.stream, 1 + f.data.length);
      buf[HEADER] = f.channel;
      buf.set(f.data, HEADER + 1);
      return buf;
    }
    case FrameType.CLOSE: {
      const { buf } = frame(f.type, f.stream, 1);
      buf[HEADER] = f.channel;
      return buf;
    }
    case FrameType.END:
      return withJson(f.type, f.stream, f.end);
    case FrameType.ERROR:
      return withJson(f.type, f.stream, f.error);
    case FrameType.RESIZE: {
      const { buf, view } = frame(f.type, f.stream, 4);
      view.setUint16(HEADER, Math.max(0, Math.min(0xffff, f.cols)));
      view.setUint16(HEADER + 2, Math.max(0, Math.min(0xffff, f.rows)));
      return buf;
    }
    case FrameType.WINDOW: {
      const { buf, view } = frame(f.type, f.stream, 4);
      view.setUint32(HEADER, f.bytes >>> 0);
      return buf;
    }
  }
}

export class FrameError extends Error {}

function json<T>(bytes: Uint8Array, what: string): T {
  try {
    const v = JSON.parse(dec.decode(bytes));
    if (typeof v !== "object" || v === null) throw new Error("not an object");
    return v as T;
  } catch (e) {
    throw new FrameError(`bad ${what} payload: ${(e as Error).message}`);
  }
}

/** Decode one frame; throws FrameError on anything malformed (the peer should then drop the connection). */
export function decodeFrame(input: Uint8Array | ArrayBuffer): Frame {
  const buf = input instanceof Uint8Array ? input : new Uint8Array(input);
  if (buf.length < HEADER) throw new FrameError(`frame of ${buf.length} bytes is shorter than its header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const type = view.getUint8(0);
  const stream = view.getUint32(1);
  const payload = buf.subarray(HEADER);
  switch (type) {
    case FrameType.OPEN: {
      const open = json<OpenPayload>(payload, "OPEN");
      if (typeof open.op !== "string") throw new FrameError("OPEN without op");
      return { type, stream, open };
    }
    case FrameType.ACCEPT:
      return { type, stream };
    case FrameType.DATA:
      if (payload.length < 1) throw new FrameError("DATA without a channel");
      return { type, stream, channel: payload[0], data: payload.subarray(1) };
    case FrameType.CLOSE:
      if (payload.length < 1) throw new FrameError("CLOSE without a channel");
      return { type, stream, channel: payload[0] };
    case FrameType.END:
      return { type, stream, end: payload.length ? json<EndPayload>(payload, "END") : {} };
    case FrameType.ERROR: {
      const e = json<Partial<ErrorPayload>>(payload, "ERROR");
      return { type, stream, error: { code: Number(e.code) || 500, reason: String(e.reason ?? "InternalError"), message: String(e.message ?? "") } };
    }
    case FrameType.RESIZE:
      if (payload.length < 4) throw new FrameError("short RESIZE");
      return { type, stream, cols: view.getUint16(HEADER), rows: view.getUint16(HEADER + 2) };
    case FrameType.WINDOW:
      if (payload.length < 4) throw new FrameError("short WINDOW");
      return { type, stream, bytes: view.getUint32(HEADER) };
  }
  throw new FrameError(`unknown frame type ${type}`);
}

/** DATA frames for a payload of any size (split at MAX_CHUNK). */
export function dataFrames(stream: number, channel: number, data: Uint8Array): Uint8Array[] {
  if (data.length <= MAX_CHUNK) return [encodeFrame({ type: FrameType.DATA, stream, channel, data })];
  const out: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += MAX_CHUNK) out.push(encodeFrame({ type: FrameType.DATA, stream, channel, data: data.subarray(i, i + MAX_CHUNK) }));
  return out;
}

/**
 * Send-side credit of one stream direction: `take` what the window allows,
 * `grant` when the peer returns credit, and `wait` for credit when a sender
 * can pause (a log iterator) rather than queue.
 */
export class SendWindow {
  private credit = INITIAL_WINDOW;
  private waiters: Array<() => void> = [];

  get available(): number {
    return this.credit;
  }

  take(n: number): void {
    this.credit -= n;
  }

  grant(n: number): void {
    this.credit += n;
    if (this.credit > 0) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when there is credit (or at once if there is), or when `signal` aborts. */
  wait(signal?: AbortSignal): Promise<void> {
    if (this.credit > 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      signal?.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  /** Wake everyone (the stream is gone). */
  release(): void {
    this.credit = Number.MAX_SAFE_INTEGER;
    for (const w of this.waiters.splice(0)) w();
  }
}

/**
 * Receive-side accounting: count consumed bytes and say how much credit to
 * return, in batches of half a window so WINDOW frames stay rare.
 */
export class ReceiveWindow {
  private consumed = 0;

  /** Record n consumed bytes; returns the credit to send back now (0: not yet). */
  consume(n: number): number {
    this.consumed += n;
    if (this.consumed < INITIAL_WINDOW / 2) return 0;
    const c = this.consumed;
    this.consumed = 0;
    return c;
  }
}

/**
 * Outgoing frames of one stream, in order: DATA spends credit (and waits in
 * the queue for it), other frames (CLOSE, END) cost nothing but stay behind
 * the data they follow. `data` reports false once more than MAX_QUEUED
 * bytes wait: the receiver is not keeping up and the stream should fail.
 */
export class CreditQueue {
  readonly window = new SendWindow();
  private items: Array<{ frame: Uint8Array; cost: number }> = [];
  private bytes = 0;

  constructor(
    private readonly sendRaw: (frame: Uint8Array) => void,
    private readonly maxQueued = MAX_QUEUED,
  ) {}

  get queuedBytes(): number {
    return this.bytes;
  }

  data(stream: number, channel: number, data: Uint8Array): boolean {
    for (const frame of dataFrames(stream, channel, data)) {
      this.items.push({ frame, cost: frame.length - HEADER - 1 });
      this.bytes += frame.length;
    }
    this.flush();
    return this.bytes <= this.maxQueued;
  }

  control(frame: Uint8Array): void {
    this.items.push({ frame, cost: 0 });
    this.flush();
  }

  grant(n: number): void {
    this.window.grant(n);
    this.flush();
  }

  private flush(): void {
    while (this.items.length && (this.items[0].cost === 0 || this.window.available > 0)) {
      const it = this.items.shift()!;
      this.bytes -= it.frame.length;
      this.window.take(it.cost);
      this.sendRaw(it.frame);
    }
  }

  clear(): void {
    this.items = [];
    this.bytes = 0;
    this.window.release();
  }
}

/** The WebSocket subprotocol agents use to reach a pod on another node: one connection's raw bytes (node-tunnel.ts openRelay). */
export const RELAY_PROTOCOL = "v1.relay.edgeplane.dev";
