/**
 * SPDY framing and the port-forward session, with this test playing kubectl:
 * header blocks through the shared dictionary, frames cut anywhere, the
 * error/data stream pair, half-closes, failures worded as the kubelet words
 * them, pings, and refusal of malformed streams. Real kubectl drives the
 * same code end to end in test/e2e/agent.test.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync, inflateSync, constants } from "node:zlib";
import { FLAG_FIN, FrameReader, FrameWriter, HEADER_DICTIONARY, RstStatus, decodeHeaderBlock, encodeHeaderBlock, type SpdyFrame } from "./spdy.js";
import { PortForwardSession, type Upstream } from "./port-forward.js";

const adler32 = (b: Uint8Array) => {
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return ((c << 16) | a) >>> 0;
};

test("the dictionary is the SPDY/3 one: 1,423 bytes, and this side's header stream names it", () => {
  assert.equal(HEADER_DICTIONARY.length, 1423);
  assert.equal(new TextDecoder().decode(HEADER_DICTIONARY.subarray(0, 11)), "\0\0\0\x07options");
  assert.equal(new TextDecoder().decode(HEADER_DICTIONARY.subarray(-6)), "enq=0.");
  // A zlib stream primed with a dictionary carries its adler32 (DICTID): a Go client checks it, and so
  // does this side when reading kubectl's (a wrong dictionary fails there: test/e2e/agent.test.ts).
  const reply = new FrameWriter().synReply(1);
  assert.equal(reply[13] & 0x20, 0x20, "FDICT set");
  assert.equal(Buffer.from(reply).readUInt32BE(14), adler32(HEADER_DICTIONARY));
  const z = deflateSync(Buffer.from("x"), { dictionary: HEADER_DICTIONARY });
  assert.equal(z.readUInt32BE(2), adler32(HEADER_DICTIONARY), "node:zlib agrees on the DICTID");
});

test("header blocks round-trip, names lowercased, first of NUL-separated values", () => {
  const raw = encodeHeaderBlock(new Map([["StreamType", "data"], ["port", "8080"]]));
  assert.deepEqual(decodeHeaderBlock(raw), new Map([["streamtype", "data"], ["port", "8080"]]));
  const multi = encodeHeaderBlock(new Map([["x", "a\0b"]]));
  assert.equal(decodeHeaderBlock(multi).get("x"), "a");
  assert.throws(() => decodeHeaderBlock(raw.subarray(0, raw.length - 1)), /truncated/);
});

test("a zlib client primed with the dictionary (as Go's is) is understood, block after block", () => {
  // node:zlib plays the Go framer: one deflate stream for the session, each block sync-flushed.
  const client = new FrameWriter();
  const reader = new FrameReader();
  const frames = reader.push(client.synStream(1, new Map([["streamtype", "error"], ["port", "80"], ["requestid", "0"]])));
  assert.equal(frames.length, 1);
  assert.deepEqual(frames[0], { type: "syn_stream", stream: 1, fin: false, headers: new Map([["streamtype", "error"], ["port", "80"], ["requestid", "0"]]) });
  const again = reader.push(client.synStream(3, new Map([["streamtype", "data"], ["port", "80"], ["requestid", "0"]])));
  assert.equal((again[0] as { headers: Map<string, string> }).headers.get("streamtype"), "data");
  // And what this side writes inflates with the dictionary in node:zlib.
  const reply = new FrameWriter().synReply(1, new Map([["a", "b"]]));
  const block = reply.subarray(12);
  const raw = inflateSync(block, { dictionary: HEADER_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
  assert.deepEqual(decodeHeaderBlock(raw), new Map([["a", "b"]]));
});

test("frames are cut from any slicing of the byte stream", () => {
  const w = new FrameWriter();
  const bytes = new Uint8Array(Buffer.concat([w.data(1, new TextEncoder().encode("hello")), w.ping(7), w.data(1, new Uint8Array(), true), w.rst(5, RstStatus.CANCEL)]));
  for (let cut = 1; cut < bytes.length; cut += 3) {
    const r = new FrameReader();
    const out: SpdyFrame[] = [...r.push(bytes.subarray(0, cut)), ...r.push(bytes.subarray(cut))];
    assert.deepEqual(out, [
      { type: "data", stream: 1, fin: false, data: new TextEncoder().encode("hello") },
      { type: "ping", id: 7 },
      { type: "data", stream: 1, fin: true, data: new Uint8Array() },
      { type: "rst_stream", stream: 5, status: RstStatus.CANCEL },
    ]);
  }
  assert.equal(w.data(9, new Uint8Array(), true)[4], FLAG_FIN);
  assert.throws(() => new FrameReader().push(Uint8Array.of(0x80, 2, 0, 1, 0, 0, 0, 0)), /version 2/);
});

/** kubectl's side of a session, against a fake pod reached through `dial`. */
function harness() {
  const toClient = new FrameReader();
  const client = new FrameWriter();
  const received: SpdyFrame[] = [];
  const ups: Array<Upstream & { written: string[]; halfClosed: boolean; aborted: boolean; port: number; credit: number }> = [];
  let closed: [number, string] | undefined;
  const s = new PortForwardSession({
    send: (b) => received.push(...toClient.push(b)),
    close: (code, reason) => (closed = [code, reason]),
    pod: { name: "web", uid: "u-1" },
    dial(port) {
      const up = {
        port,
        written: [] as string[],
        halfClosed: false,
        aborted: false,
        credit: 0,
        write(d: Uint8Array) {
          up.written.push(new TextDecoder().decode(d));
        },
        closeWrite() {
          up.halfClosed = true;
        },
        abort() {
          up.aborted = true;
        },
        consumed(n: number) {
          up.credit += n;
        },
        onData: (_: Uint8Array) => {},
        onEnd: () => {},
        onError: (_: string) => {},
      };
      ups.push(up);
      return up;
    },
  });
  const open = (requestId: string, port = 80) => {
    s.receive(client.synStream(1 + 4 * Number(requestId), new Map([["streamtype", "error"], ["port", String(port)], ["requestid", requestId]])));
    s.receive(client.data(1 + 4 * Number(requestId), new Uint8Array(), true));
    s.receive(client.synStream(3 + 4 * Number(requestId), new Map([["streamtype", "data"], ["port", String(port)], ["requestid", requestId]])));
  };
  return { s, client, received, ups, open, closed: () => closed };
}

const text = (f: SpdyFrame) => (f.type === "data" ? new TextDecoder().decode(f.data) : "");

test("a connection: both streams replied, the pod dialled once both exist, bytes relayed both ways, FIN on both at the end", () => {
  const h = harness();
  h.open("0", 8080);
  assert.deepEqual(
    h.received.map((f) => [f.type, "stream" in f ? f.stream : 0]),
    [
      ["syn_reply", 1],
      ["syn_reply", 3],
    ],
  );
  assert.equal(h.ups.length, 1);
  assert.equal(h.ups[0].port, 8080);
  h.s.receive(h.client.data(3, new TextEncoder().encode("GET / HTTP/1.0\r\n\r\n")));
  assert.deepEqual(h.ups[0].written, ["GET / HTTP/1.0\r\n\r\n"]);
  h.ups[0].onData(new Uint8Array(70_000).fill(65));
  const data = h.received.filter((f) => f.type === "data" && f.stream === 3);
  assert.deepEqual(
    data.map((f) => (f.type === "data" ? f.data.length : 0)),
    [32768, 32768, 4464],
    "split into 32 KiB frames",
  );
  assert.equal(h.ups[0].credit, 70_000);
  h.s.receive(h.client.data(3, new Uint8Array(), true));
  assert.equal(h.ups[0].halfClosed, true);
  h.ups[0].onEnd();
  const fins = h.received.filter((f) => f.type === "data" && f.fin).map((f) => (f.type === "data" ? f.stream : 0));
  assert.deepEqual(fins.sort(), [1, 3]);
  assert.equal(h.ups[0].aborted, false);
});

test("bytes sent before the pod is dialled are kept, with the half-close", () => {
  const h = harness();
  h.s.receive(h.client.synStream(3, new Map([["streamtype", "data"], ["port", "80"], ["requestid", "0"]])));
  h.s.receive(h.client.data(3, new TextEncoder().encode("early"), true));
  assert.equal(h.ups.length, 0);
  h.s.receive(h.client.synStream(5, new Map([["streamtype", "error"], ["port", "80"], ["requestid", "0"]])));
  assert.equal(h.ups.length, 1);
  assert.deepEqual(h.ups[0].written, ["early"]);
  assert.equal(h.ups[0].halfClosed, true);
});

test("a failure goes on the error stream as the kubelet words it, then both streams finish", () => {
  const h = harness();
  h.open("0", 81);
  h.ups[0].onError("failed to connect to port 81: connect ECONNREFUSED");
  const err = h.received.find((f) => f.type === "data" && f.stream === 1 && f.data.length);
  assert.ok(err);
  assert.equal(text(err), "error forwarding port 81 to pod web, uid u-1: failed to connect to port 81: connect ECONNREFUSED");
  assert.equal(h.received.filter((f) => f.type === "data" && f.fin).length, 2);
});

test("connections are independent; RST_STREAM and the caller leaving abort the pod side", () => {
  const h = harness();
  h.open("0");
  h.open("1");
  assert.equal(h.ups.length, 2);
  h.s.receive(h.client.rst(3, RstStatus.CANCEL));
  assert.deepEqual(
    h.ups.map((u) => u.aborted),
    [true, false],
  );
  h.s.end();
  assert.deepEqual(
    h.ups.map((u) => u.aborted),
    [true, true],
  );
});

test("pings are echoed; malformed streams are refused, the session goes on; garbage ends it with GOAWAY", () => {
  const h = harness();
  h.s.receive(h.client.ping(1));
  assert.deepEqual(h.received.at(-1), { type: "ping", id: 1 });
  h.s.receive(h.client.synStream(1, new Map([["streamtype", "data"], ["port", "0"]])));
  assert.deepEqual(h.received.at(-1), { type: "rst_stream", stream: 1, status: RstStatus.PROTOCOL_ERROR });
  h.s.receive(h.client.synStream(3, new Map([["streamtype", "bogus"], ["port", "80"]])));
  assert.deepEqual(h.received.at(-1), { type: "rst_stream", stream: 3, status: RstStatus.PROTOCOL_ERROR });
  h.s.receive(h.client.synStream(3, new Map([["streamtype", "data"], ["port", "80"]])));
  assert.deepEqual(h.received.at(-1), { type: "rst_stream", stream: 3, status: RstStatus.PROTOCOL_ERROR }, "stream ids only go up");
  h.open("5");
  assert.equal(h.ups.length, 1);
  h.s.receive(Uint8Array.of(0x80, 3, 0, 1, 0, 0, 0, 2, 0, 0));
  assert.ok(h.received.some((f) => f.type === "goaway"));
  assert.equal(h.closed()?.[0], 1002);
  assert.equal(h.ups[0].aborted, true);
});
