/**
 * SPDY/3.1 framing, as much of it as kubectl's port-forward speaks. Since
 * kubectl 1.31, `kubectl port-forward` opens a WebSocket with the subprotocol
 * `SPDY/3.1+portforward.k8s.io` and runs a SPDY client session inside its
 * binary messages (kube-apiserver relays those bytes to the kubelet's SPDY
 * server). Workers only accept WebSocket upgrades, so this module is the
 * server end of that session: a reader that cuts the byte stream into frames
 * (a frame may span messages, a message may hold several frames) and writers
 * for the frames a server sends. Header blocks are zlib streams, one per
 * direction for the whole session, primed with the SPDY/3 dictionary; pako
 * does the zlib (web platform streams have no preset dictionary).
 *
 * Wire format (draft 3.1): control frames are
 *   [1 | version u15 = 3][type u16][flags u8][length u24][payload]
 * and data frames
 *   [0 | stream id u31][flags u8][length u24][data].
 * There is no connection preface. Flow control (WINDOW_UPDATE) is not used
 * by the Go client (moby/spdystream) and is ignored here.
 */
import { Deflate, Inflate, constants } from "pako";
import { concatBytes } from "../apimachinery/bytes.js";

export const SPDY_VERSION = 3;
export const ControlType = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
export const FLAG_FIN = 0x01;
export const RstStatus = { PROTOCOL_ERROR: 1, INVALID_STREAM: 2, REFUSED_STREAM: 3, CANCEL: 5, INTERNAL_ERROR: 6 } as const;
export const GoAwayStatus = { OK: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2 } as const;
/** The largest frame accepted: data frames from kubectl are 32 KiB; a control frame is a few hundred bytes. */
export const MAX_FRAME = 1 << 20;

/** The SPDY/3 header dictionary (draft 3, section 2.6.10.1): length-prefixed words, then a run of raw text. */
export const HEADER_DICTIONARY: Uint8Array = (() => {
  const words = [
    "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding", "accept-language",
    "accept-ranges", "age", "allow", "authorization", "cache-control", "connection", "content-base", "content-encoding",
    "content-language", "content-length", "content-location", "content-md5", "content-range", "content-type", "date", "etag",
    "expect", "expires", "from", "host", "if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
    "last-modified", "location", "max-forwards", "pragma", "proxy-authenticate", "proxy-authorization", "range", "referer",
    "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
    "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin",
  ];
  const tail =
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized" +
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable" +
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript," +
    "publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";
  const enc = new TextEncoder();
  const parts: number[] = [];
  for (const w of words) {
    const b = enc.encode(w);
    parts.push(0, 0, (b.length >> 8) & 0xff, b.length & 0xff, ...b);
  }
  parts.push(...enc.encode(tail));
  return Uint8Array.from(parts);
})();

export type Headers = Map<string, string>;

export type SpdyFrame =
  | { type: "data"; stream: number; fin: boolean; data: Uint8Array }
  | { type: "syn_stream"; stream: number; fin: boolean; headers: Headers }
  | { type: "syn_reply" | "headers"; stream: number; fin: boolean; headers: Headers }
  | { type: "rst_stream"; stream: number; status: number }
  | { type: "ping"; id: number }
  | { type: "goaway"; lastStream: number; status: number }
  | { type: "settings" | "window_update" | "unknown" };

export class SpdyError extends Error {}

const u32 = (b: Uint8Array, at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/** One direction's header (de)compression context: every block of the session continues the same zlib stream. */
class HeaderStream {
  private out: Uint8Array[] = [];
  constructor(private readonly z: Inflate | Deflate) {
    z.onData = (chunk) => void this.out.push(chunk as Uint8Array);
  }
  /** The next block, sync-flushed so it stands on its own bytes. */
  next(block: Uint8Array): Uint8Array {
    this.out = [];
    this.z.push(block, constants.Z_SYNC_FLUSH);
    if (this.z.err) throw new SpdyError(`header block: ${this.z.msg || `zlib error ${this.z.err}`}`);
    return this.out.length ? concatBytes(this.out) : new Uint8Array();
  }
}

/** A name/value block: [count u32] then [len u32][name][len u32][value] pairs; several values of one name are NUL-separated. */
export function decodeHeaderBlock(raw: Uint8Array): Headers {
  const dec = new TextDecoder();
  const headers: Headers = new Map();
  if (raw.length < 4) throw new SpdyError("header block too short");
  const count = u32(raw, 0);
  let at = 4;
  const field = () => {
    if (at + 4 > raw.length) throw new SpdyError("header block truncated");
    const len = u32(raw, at);
    at += 4;
    if (at + len > raw.length) throw new SpdyError("header block truncated");
    const s = dec.decode(raw.subarray(at, at + len));
    at += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = field().toLowerCase();
    headers.set(name, field().split("\0")[0]);
  }
  return headers;
}

export function encodeHeaderBlock(headers: Headers): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  const len = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  parts.push(len(headers.size));
  for (const [k, v] of headers) {
    const kb = enc.encode(k.toLowerCase());
    const vb = enc.encode(v);
    parts.push(len(kb.length), kb, len(vb.length), vb);
  }
  return concatBytes(parts);
}

/** Cuts the session's bytes into frames; bytes of an unfinished frame wait for the next push. */
export class FrameReader {
  private buf: Uint8Array = new Uint8Array(0);
  private readonly headers = new HeaderStream(new Inflate({ dictionary: HEADER_DICTIONARY }));

  push(bytes: Uint8Array): SpdyFrame[] {
    this.buf = this.buf.length ? concatBytes([this.buf, bytes]) : bytes;
    const frames: SpdyFrame[] = [];
    let at = 0;
    while (this.buf.length - at >= 8) {
      const length = (this.buf[at + 5] << 16) | (this.buf[at + 6] << 8) | this.buf[at + 7];
      if (length > MAX_FRAME) throw new SpdyError(`frame of ${length} bytes is larger than ${MAX_FRAME}`);
      if (this.buf.length - at < 8 + length) break;
      frames.push(this.frame(this.buf.subarray(at, at + 8), this.buf.subarray(at + 8, at + 8 + length)));
      at += 8 + length;
    }
    this.buf = at === this.buf.length ? new Uint8Array(0) : this.buf.slice(at);
    return frames;
  }

  private frame(head: Uint8Array, payload: Uint8Array): SpdyFrame {
    const flags = head[4];
    if ((head[0] & 0x80) === 0) return { type: "data", stream: u32(head, 0) & 0x7fffffff, fin: (flags & FLAG_FIN) !== 0, data: payload.slice() };
    const version = ((head[0] & 0x7f) << 8) | head[1];
    if (version !== SPDY_VERSION) throw new SpdyError(`unsupported SPDY version ${version}`);
    const type = (head[2] << 8) | head[3];
    const need = (n: number) => {
      if (payload.length < n) throw new SpdyError(`control frame ${type} too short`);
    };
    const fin = (flags & FLAG_FIN) !== 0;
    switch (type) {
      case ControlType.SYN_STREAM:
        need(10);
        return { type: "syn_stream", stream: u32(payload, 0) & 0x7fffffff, fin, headers: decodeHeaderBlock(this.headers.next(payload.subarray(10))) };
      case ControlType.SYN_REPLY:
      case ControlType.HEADERS:
        need(4);
        return { type: type === ControlType.SYN_REPLY ? "syn_reply" : "headers", stream: u32(payload, 0) & 0x7fffffff, fin, headers: decodeHeaderBlock(this.headers.next(payload.subarray(4))) };
      case ControlType.RST_STREAM:
        need(8);
        return { type: "rst_stream", stream: u32(payload, 0) & 0x7fffffff, status: u32(payload, 4) };
      case ControlType.PING:
        need(4);
        return { type: "ping", id: u32(payload, 0) };
      case ControlType.GOAWAY:
        need(4);
        return { type: "goaway", lastStream: u32(payload, 0) & 0x7fffffff, status: payload.length >= 8 ? u32(payload, 4) : 0 };
      case ControlType.SETTINGS:
        return { type: "settings" };
      case ControlType.WINDOW_UPDATE:
        return { type: "window_update" };
      default:
        return { type: "unknown" };
    }
  }
}

function control(type: number, flags: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out[0] = 0x80 | (SPDY_VERSION >> 8);
  out[1] = SPDY_VERSION & 0xff;
  out[2] = type >> 8;
  out[3] = type & 0xff;
  out[4] = flags;
  out[5] = (payload.length >> 16) & 0xff;
  out[6] = (payload.length >> 8) & 0xff;
  out[7] = payload.length & 0xff;
  out.set(payload, 8);
  return out;
}

const words = (...ns: number[]) => {
  const b = new Uint8Array(ns.length * 4);
  const v = new DataView(b.buffer);
  ns.forEach((n, i) => v.setUint32(i * 4, n >>> 0));
  return b;
};

/** The frames a server writes; its own header compression context lives here. */
export class FrameWriter {
  private readonly headers = new HeaderStream(new Deflate({ dictionary: HEADER_DICTIONARY }));

  synReply(stream: number, headers: Headers = new Map(), fin = false): Uint8Array {
    const block = this.headers.next(encodeHeaderBlock(headers));
    return control(ControlType.SYN_REPLY, fin ? FLAG_FIN : 0, concatBytes([words(stream & 0x7fffffff), block]));
  }

  /** A client-side SYN_STREAM (tests play kubectl with it). */
  synStream(stream: number, headers: Headers, fin = false): Uint8Array {
    const block = this.headers.next(encodeHeaderBlock(headers));
    return control(ControlType.SYN_STREAM, fin ? FLAG_FIN : 0, concatBytes([words(stream & 0x7fffffff, 0), Uint8Array.of(0, 0), block]));
  }

  data(stream: number, data: Uint8Array, fin = false): Uint8Array {
    if (data.length > MAX_FRAME) throw new SpdyError("data frame too large: split it");
    const out = new Uint8Array(8 + data.length);
    new DataView(out.buffer).setUint32(0, stream & 0x7fffffff);
    out[4] = fin ? FLAG_FIN : 0;
    out[5] = (data.length >> 16) & 0xff;
    out[6] = (data.length >> 8) & 0xff;
    out[7] = data.length & 0xff;
    out.set(data, 8);
    return out;
  }

  rst(stream: number, status: number): Uint8Array {
    return control(ControlType.RST_STREAM, 0, words(stream & 0x7fffffff, status));
  }

  ping(id: number): Uint8Array {
    return control(ControlType.PING, 0, words(id));
  }

  goAway(lastStream: number, status: number): Uint8Array {
    return control(ControlType.GOAWAY, 0, words(lastStream & 0x7fffffff, status));
  }
}
