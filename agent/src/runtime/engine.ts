/**
 * A minimal Docker Engine API client on node:http and node:net only. The
 * agent must idle under 60 MiB, and the usual clients (dockerode,
 * docker-modem, undici) pull in tens of MiB of dependencies for what is a
 * handful of JSON calls, a few streams and one connection hijack. Paths are
 * unversioned so the engine answers with its own API version (Docker ≥ 29
 * refuses old versions; Podman speaks 1.41).
 */
import http from "node:http";
import net from "node:net";
import type { Readable } from "node:stream";

/** Where the engine listens: a unix socket or a plain TCP address. */
export type EngineAddress = { socketPath: string } | { host: string; port: number };

/** Parse a DOCKER_HOST value ("unix:///run/x.sock", "tcp://h:2375") or a bare socket path. */
export function parseEngineAddress(value: string): EngineAddress {
  if (value.startsWith("unix://")) return { socketPath: value.slice("unix://".length) };
  if (value.startsWith("/")) return { socketPath: value };
  const m = /^(?:tcp|http):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/.exec(value);
  if (m) return { host: m[1], port: Number(m[2] ?? 2375) };
  throw new Error(`unsupported engine address "${value}" (use unix:///path/to.sock or tcp://host:port; TLS is not supported)`);
}

/** A failed engine call: the HTTP status and the engine's own message. */
export class EngineError extends Error {
  constructor(
    readonly status: number,
    readonly engineMessage: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(`${method} ${path.split("?")[0]}: ${engineMessage || `HTTP ${status}`} (engine answered ${status})`);
    this.name = "EngineError";
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON-encoded unless a Uint8Array (sent as is). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Abort the whole call (connect, response and body) after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function buildPath(path: string, query?: RequestOptions["query"]): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, typeof v === "boolean" ? (v ? "1" : "0") : String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The message in an engine error body ({"message": ...} from Docker and Podman), else the text. */
export function engineMessage(body: string): string {
  try {
    const j = JSON.parse(body) as { message?: unknown; cause?: unknown };
    if (typeof j.message === "string") return j.message;
  } catch {
    // not JSON
  }
  return body.trim();
}

export class Engine {
  private readonly agent: http.Agent;

  constructor(readonly address: EngineAddress) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 32, maxFreeSockets: 4 });
  }

  private base(): http.RequestOptions {
    return "socketPath" in this.address
      ? { socketPath: this.address.socketPath, agent: this.agent }
      : { host: this.address.host, port: this.address.port, agent: this.agent };
  }

  /** Send a request; resolves with the response once its headers arrive (status < 400), else rejects with EngineError. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    const full = buildPath(path, opts.query);
    const headers: Record<string, string> = { Host: "docker", ...opts.headers };
    let payload: Uint8Array | undefined;
    if (opts.body instanceof Uint8Array) {
      payload = opts.body;
      headers["Content-Type"] ??= "application/octet-stream";
    } else if (opts.body !== undefined) {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers["Content-Type"] = "application/json";
    }
    if (payload) headers["Content-Length"] = String(payload.length);
    return new Promise((resolve, reject) => {
      const req = http.request({ ...this.base(), method, path: full, headers, signal: opts.signal }, (res) => {
        const status = res.statusCode ?? 0;
        if (status < 400) return resolve(res);
        readAll(res).then(
          (b) => reject(new EngineError(status, engineMessage(b.toString("utf8")), method, full)),
          reject,
        );
      });
      if (opts.timeoutMs !== undefined) {
        const t = setTimeout(() => req.destroy(new Error(`${method} ${path}: no answer from the container engine within ${opts.timeoutMs} ms`)), opts.timeoutMs);
        req.once("close", () => clearTimeout(t));
      }
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT" || e.code === "ECONNREFUSED") reject(new Error(`container engine at ${this.describe()} is not reachable: ${e.message}`));
        else reject(e);
      });
      req.end(payload);
    });
  }

  /** A call whose answer is JSON (or empty: resolves undefined). */
  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const body = (await readAll(res)).toString("utf8");
    return (body.trim() ? JSON.parse(body) : undefined) as T;
  }

  /** Like json(), but a 404 resolves undefined. */
  async jsonOrMissing<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T | undefined> {
    try {
      return await this.json<T>(method, path, opts);
    } catch (e) {
      if (e instanceof EngineError && e.status === 404) return undefined;
      throw e;
    }
  }

  /**
   * A hijacked connection (exec start, attach): the request is written by
   * hand on a fresh socket, the answer's header parsed here, and the socket
   * handed back raw so stdin can be written while output is read. Docker
   * answers "101 UPGRADED" to `Upgrade: tcp`; some engines answer 200 and
   * hijack anyway; both are accepted. `head` is output that arrived with the headers.
   */
  hijack(method: string, path: string, body: unknown, timeoutMs = 30_000): Promise<{ socket: net.Socket; head: Buffer }> {
    // No body at all when there is none: bytes the engine did not consume would become the process's stdin.
    const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const socket =
      "socketPath" in this.address
        ? net.connect({ path: this.address.socketPath, allowHalfOpen: true })
        : net.connect({ host: this.address.host, port: this.address.port, allowHalfOpen: true });
    const request =
      `${method} ${path} HTTP/1.1\r\nHost: docker\r\n` +
      (payload.length ? `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` : "") +
      `Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n`;
    return new Promise((resolve, reject) => {
      let buf = Buffer.alloc(0);
      const fail = (e: Error) => {
        cleanup();
        socket.destroy();
        reject(e);
      };
      const timer = setTimeout(() => fail(new Error(`${method} ${path}: no answer from the container engine within ${timeoutMs} ms`)), timeoutMs);
      const onError = (e: NodeJS.ErrnoException) =>
        fail(e.code === "ENOENT" || e.code === "ECONNREFUSED" ? new Error(`container engine at ${this.describe()} is not reachable: ${e.message}`) : e);
      const onEnd = () => fail(new EngineError(0, `connection closed before an answer: ${buf.toString("utf8").slice(0, 200)}`, method, path));
      const onData = (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = buf.subarray(0, end).toString("latin1");
        const rest = buf.subarray(end + 4);
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
        cleanup();
        if (status === 101 || status === 200) {
          socket.pause();
          return resolve({ socket, head: rest });
        }
        // An error answer: read its body (Content-Length or until close) for the message.
        const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? -1);
        let errBody = rest;
        const finish = () => {
          socket.destroy();
          reject(new EngineError(status, engineMessage(dechunkIfNeeded(head, errBody).toString("utf8")), method, path));
        };
        if (len >= 0 && errBody.length >= len) return finish();
        socket.on("data", (c: Buffer) => {
          errBody = Buffer.concat([errBody, c]);
          if (len >= 0 && errBody.length >= len) finish();
        });
        socket.on("end", finish);
        socket.on("error", finish);
      };
      const cleanup = () => {
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("end", onEnd);
      };
      socket.on("data", onData);
      socket.on("error", onError);
      socket.on("end", onEnd);
      socket.write(payload.length ? Buffer.concat([Buffer.from(request, "latin1"), payload]) : request);
    });
  }

  describe(): string {
    return "socketPath" in this.address ? `unix://${this.address.socketPath}` : `tcp://${this.address.host}:${this.address.port}`;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Error bodies on a hijack socket may be chunked; decode enough to read the message. */
function dechunkIfNeeded(head: string, body: Buffer): Buffer {
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return body;
  const out: Buffer[] = [];
  let off = 0;
  while (off < body.length) {
    const eol = body.indexOf("\r\n", off);
    if (eol < 0) break;
    const n = parseInt(body.subarray(off, eol).toString("latin1"), 16);
    if (!n) break;
    out.push(body.subarray(eol + 2, eol + 2 + n));
    off = eol + 2 + n + 2;
  }
  return Buffer.concat(out);
}
