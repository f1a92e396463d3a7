/**
 * The HTTP/1.1 client behind the `proxy` subresources of pods and Services
 * (what `kubectl proxy` and `kubectl get --raw …/proxy/…` reach): the API
 * server has no route to a pod, so a request goes to the pod's port as bytes
 * through the node tunnel (the port-forward stream, dialled by the agent) and
 * the answer comes back as bytes. This module writes the request head and
 * parses the response (status line, headers, then a body framed by
 * Content-Length, chunked encoding or the connection's end), incrementally,
 * without Workers, so it is unit-tested on its own. One request per
 * connection (`Connection: close`), as a proxy that cannot keep a pool.
 */
import { concatBytes, indexOfBytes } from "../apimachinery/bytes.js";

/** Request headers not forwarded: hop-by-hop ones, the caller's credentials for the API server, and what is set here. */
const DROP_REQUEST = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "host", "authorization", "content-length", "accept-encoding"]);
/** Response headers not passed back: hop-by-hop ones, and the framing this side has undone. */
export const DROP_RESPONSE = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade", "content-length"]);

export interface ProxyRequest {
  method: string;
  /** Path and query on the backend, starting with "/". */
  path: string;
  headers: Array<[string, string]>;
  host: string;
  /** Exact body length when there is a body (the Worker reads it whole). */
  bodyLength: number;
}

export function requestHead(r: ProxyRequest): Uint8Array {
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `Host: ${r.host}`, "Connection: close"];
  for (const [k, v] of r.headers) if (!DROP_REQUEST.has(k.toLowerCase()) && !/[\r\n]/.test(k + v)) lines.push(`${k}: ${v}`);
  if (r.bodyLength > 0 || !["GET", "HEAD", "DELETE", "OPTIONS"].includes(r.method)) lines.push(`Content-Length: ${r.bodyLength}`);
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
}

export interface ResponseHead {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
}

export class HttpParseError extends Error {}

const MAX_HEAD = 64 * 1024;

type Framing = { kind: "length"; left: number } | { kind: "chunked"; state: "size" | "data" | "crlf" | "trailer"; left: number } | { kind: "close" } | { kind: "none" };

/**
 * Incremental response parser: push() bytes as they arrive, end() at the
 * connection's end; the head is reported once, body bytes as they are
 * decoded, and done once the body is complete.
 */
export class ResponseReader {
  private buf: Uint8Array = new Uint8Array(0);
  private head?: ResponseHead;
  private framing?: Framing;
  private finished = false;

  constructor(
    private readonly method: string,
    private readonly sink: { head(h: ResponseHead): void; body(b: Uint8Array): void; done(): void },
  ) {}

  push(bytes: Uint8Array): void {
    if (this.finished) return;
    this.buf = concatBytes([this.buf, bytes]);
    if (!this.head && !this.readHead()) return;
    this.readBody();
  }

  /** The backend closed the connection. */
  end(): void {
    if (this.finished) return;
    if (!this.head) throw new HttpParseError("the backend closed the connection before a complete response head");
    if (this.framing?.kind === "close") return this.finish();
    throw new HttpParseError("the backend closed the connection before the end of the response body");
  }

  private finish(): void {
    this.finished = true;
    this.sink.done();
  }

  private readHead(): boolean {
    const end = indexOfBytes(this.buf, CRLF_CRLF);
    if (end < 0) {
      if (this.buf.length > MAX_HEAD) throw new HttpParseError(`response head larger than ${MAX_HEAD} bytes`);
      return false;
    }
    const text = new TextDecoder("latin1").decode(this.buf.subarray(0, end));
    this.buf = this.buf.slice(end + 4);
    const [statusLine, ...lines] = text.split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
    if (!m) throw new HttpParseError(`malformed status line ${JSON.stringify(statusLine.slice(0, 80))}`);
    const headers: Array<[string, string]> = [];
    for (const line of lines) {
      const i = line.indexOf(":");
      if (i <= 0) throw new HttpParseError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
    }
    const status = Number(m[1]);
    if (status < 200) {
      // 1xx (100 Continue): an interim answer; the real one follows.
      return this.buf.length ? this.readHead() : false;
    }
    this.head = { status, statusText: m[2] ?? "", headers };
    const get = (name: string) => headers.find(([k]) => k.toLowerCase() === name)?.[1];
    const te = get("transfer-encoding")?.toLowerCase();
    const cl = get("content-length");
    if (this.method === "HEAD" || status === 204 || status === 304) this.framing = { kind: "none" };
    else if (te && te.split(",").map((s) => s.trim()).includes("chunked")) this.framing = { kind: "chunked", state: "size", left: 0 };
    else if (cl !== undefined) {
      const n = Number(cl);
      if (!Number.isSafeInteger(n) || n < 0) throw new HttpParseError(`invalid Content-Length ${JSON.stringify(cl)}`);
      this.framing = { kind: "length", left: n };
    } else this.framing = { kind: "close" };
    this.sink.head(this.head);
    return true;
  }

  private readBody(): void {
    const f = this.framing!;
    if (f.kind === "none") return this.finish();
    if (f.kind === "close") {
      if (this.buf.length) this.sink.body(this.take(this.buf.length));
      return;
    }
    if (f.kind === "length") {
      const n = Math.min(f.left, this.buf.length);
      if (n) this.sink.body(this.take(n));
      f.left -= n;
      if (f.left === 0) this.finish();
      return;
    }
    for (;;) {
      if (f.state === "size" || f.state === "trailer") {
        const nl = indexOfBytes(this.buf, CRLF);
        if (nl < 0) return;
        const line = new TextDecoder("latin1").decode(this.take(nl + 2).subarray(0, nl));
        if (f.state === "trailer") {
          if (line === "") return this.finish();
          continue;
        }
        const size = parseInt(line.split(";")[0].trim(), 16);
        if (!Number.isSafeInteger(size) || size < 0) throw new HttpParseError(`invalid chunk size ${JSON.stringify(line.slice(0, 20))}`);
        if (size === 0) f.state = "trailer";
        else {
          f.state = "data";
          f.left = size;
        }
      } else if (f.state === "data") {
        const n = Math.min(f.left, this.buf.length);
        if (!n) return;
        this.sink.body(this.take(n));
        f.left -= n;
        if (f.left === 0) f.state = "crlf";
      } else {
        if (this.buf.length < 2) return;
        this.take(2);
        f.state = "size";
      }
    }
  }

  private take(n: number): Uint8Array {
    const out = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return out;
  }
}

const CRLF = [13, 10];
const CRLF_CRLF = [13, 10, 13, 10];

/** `[scheme:]name[:port]`, the form of a proxied name (kube's SplitSchemeNamePort). */
export function splitSchemeNamePort(id: string): { scheme: string; name: string; port: string } | undefined {
  const parts = id.split(":");
  let scheme = "";
  let name: string;
  let port = "";
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || (scheme !== "" && scheme !== "http" && scheme !== "https")) return undefined;
  return { scheme, name, port };
}
