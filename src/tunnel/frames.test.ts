/** The tunnel codec round-trips every frame type, rejects malformed input, and paces senders by credit. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreditQueue, FrameError, FrameType, INITIAL_WINDOW, MAX_CHUNK, MAX_QUEUED, ReceiveWindow, SendWindow, dataFrames, decodeFrame, encodeFrame, type Frame } from "./frames.js";
import { decodeClientMessage, negotiateChannelProtocol, outcomeMessage } from "./channels.js";

const roundTrip = (f: Frame) => decodeFrame(encodeFrame(f));

test("every frame type round-trips", () => {
  const frames: Frame[] = [
    { type: FrameType.OPEN, stream: 1, open: { op: "exec", req: { pod: "p", command: ["sh", "-c", "echo ü"] } } },
    { type: FrameType.ACCEPT, stream: 0xffffffff },
    { type: FrameType.DATA, stream: 7, channel: 2, data: new Uint8Array([0, 1, 255]) },
    { type: FrameType.DATA, stream: 7, channel: 1, data: new Uint8Array() },
    { type: FrameType.CLOSE, stream: 7, channel: 0 },
    { type: FrameType.END, stream: 7, end: { exitCode: 3 } },
    { type: FrameType.ERROR, stream: 9, error: { code: 404, reason: "NotFound", message: "container x not found" } },
    { type: FrameType.RESIZE, stream: 9, cols: 120, rows: 40 },
    { type: FrameType.WINDOW, stream: 9, bytes: 131072 },
  ];
  for (const f of frames) assert.deepEqual(roundTrip(f), f);
});

test("the header is type then a big-endian stream id", () => {
  const b = encodeFrame({ type: FrameType.DATA, stream: 0x01020304, channel: 1, data: new Uint8Array([42]) });
  assert.deepEqual([...b], [3, 1, 2, 3, 4, 1, 42]);
});

test("decodes from an ArrayBuffer and from a view into a larger buffer", () => {
  const b = encodeFrame({ type: FrameType.WINDOW, stream: 5, bytes: 10 });
  assert.deepEqual(decodeFrame(b.slice().buffer), { type: FrameType.WINDOW, stream: 5, bytes: 10 });
  const big = new Uint8Array(b.length + 3);
  big.set(b, 3);
  assert.deepEqual(decodeFrame(big.subarray(3)), { type: FrameType.WINDOW, stream: 5, bytes: 10 });
});

test("malformed frames are rejected", () => {
  assert.throws(() => decodeFrame(new Uint8Array([3, 0, 0])), FrameError);
  assert.throws(() => decodeFrame(new Uint8Array([99, 0, 0, 0, 1])), FrameError);
  assert.throws(() => decodeFrame(new Uint8Array([3, 0, 0, 0, 1])), FrameError, "DATA needs a channel");
  assert.throws(() => decodeFrame(new Uint8Array([1, 0, 0, 0, 1, 123])), FrameError, "OPEN needs JSON");
  assert.throws(() => decodeFrame(new Uint8Array([8, 0, 0, 0, 1, 0])), FrameError, "short WINDOW");
});

test("large data is split at MAX_CHUNK", () => {
  const data = new Uint8Array(MAX_CHUNK * 2 + 5).map((_, i) => i & 0xff);
  const frames = dataFrames(3, 1, data).map((f) => decodeFrame(f));
  assert.equal(frames.length, 3);
  const joined = new Uint8Array(data.length);
  let o = 0;
  for (const f of frames) {
    assert.equal(f.type, FrameType.DATA);
    if (f.type === FrameType.DATA) {
      joined.set(f.data, o);
      o += f.data.length;
    }
  }
  assert.deepEqual(joined, data);
});

test("a credit queue holds data beyond the window, keeps control frames in order, and reports overflow", () => {
  const sent: Frame[] = [];
  const q = new CreditQueue((f) => sent.push(decodeFrame(f)));
  const chunk = new Uint8Array(MAX_CHUNK);
  for (let i = 0; i < INITIAL_WINDOW / MAX_CHUNK + 2; i++) assert.ok(q.data(1, 1, chunk));
  q.control(encodeFrame({ type: FrameType.END, stream: 1, end: { exitCode: 0 } }));
  assert.equal(sent.length, INITIAL_WINDOW / MAX_CHUNK, "only a window's worth goes out");
  q.grant(MAX_CHUNK);
  assert.equal(sent.length, INITIAL_WINDOW / MAX_CHUNK + 1);
  q.grant(MAX_CHUNK);
  assert.equal(sent.at(-1)?.type, FrameType.END, "END follows the last data");
  let ok = true;
  for (let i = 0; i < MAX_QUEUED / MAX_CHUNK + 2 && ok; i++) ok = q.data(1, 1, chunk);
  assert.equal(ok, false, "an unbounded backlog is refused");
});

test("a send window blocks waiters until credit arrives", async () => {
  const w = new SendWindow();
  w.take(INITIAL_WINDOW);
  let woke = false;
  const p = w.wait().then(() => (woke = true));
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(woke, false);
  w.grant(100);
  await p;
  assert.equal(woke, true);
  const r = new ReceiveWindow();
  assert.equal(r.consume(10), 0);
  assert.equal(r.consume(INITIAL_WINDOW / 2), INITIAL_WINDOW / 2 + 10);
});

test("Kubernetes channel protocol: negotiation, client messages, outcome on the error channel", () => {
  assert.equal(negotiateChannelProtocol("v5.channel.k8s.io"), "v5.channel.k8s.io");
  assert.equal(negotiateChannelProtocol("v4.channel.k8s.io, channel.k8s.io"), "v4.channel.k8s.io");
  assert.equal(negotiateChannelProtocol("base64.channel.k8s.io"), undefined);
  assert.deepEqual(decodeClientMessage(new Uint8Array([0, 104, 105]), "v5.channel.k8s.io"), { kind: "stdin", data: new Uint8Array([104, 105]) });
  assert.deepEqual(decodeClientMessage(new Uint8Array([255, 0]), "v5.channel.k8s.io"), { kind: "close", channel: 0 });
  assert.deepEqual(decodeClientMessage(new Uint8Array([255, 0]), "v4.channel.k8s.io"), { kind: "ignore" });
  const resize = new Uint8Array([4, ...new TextEncoder().encode('{"Width":80,"Height":24}')]);
  assert.deepEqual(decodeClientMessage(resize, "v4.channel.k8s.io"), { kind: "resize", cols: 80, rows: 24 });
  const status = (m: Uint8Array | undefined) => (assert.equal(m?.[0], 3), JSON.parse(new TextDecoder().decode(m!.subarray(1))));
  assert.deepEqual(status(outcomeMessage({ exitCode: 0 }, "v5.channel.k8s.io")), { metadata: {}, status: "Success" });
  const fail = status(outcomeMessage({ exitCode: 7 }, "v4.channel.k8s.io"));
  assert.equal(fail.reason, "NonZeroExitCode");
  assert.deepEqual(fail.details.causes, [{ reason: "ExitCode", message: "7" }]);
  assert.equal(outcomeMessage({ exitCode: 0 }, "channel.k8s.io"), undefined);
  assert.equal(status(outcomeMessage({ error: { code: 404, reason: "NotFound", message: "no such container" } }, "v5.channel.k8s.io")).message, "no such container");
});
