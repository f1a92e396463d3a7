/**
 * Watch fan-out: W concurrent HTTP watch streams on ConfigMaps (all in one
 * namespace by default, the hardest case for one store), then N creates at a
 * steady pace. For every (watcher, write) pair it records the time from
 * sending the write to that watcher reading the ADDED event, and counts the
 * pairs never seen (lost events). Streams are read with undici's raw
 * dispatch handler and matched by scanning bytes for the object's name,
 * without JSON.parse, so the reader stays cheap on a 2-core machine.
 */
import { Agent, Pool, type Dispatcher } from "undici";
import { ensureNamespace, parallel, type HttpTarget } from "./cluster.js";
import { sleep } from "./stats.js";
import type { BenchOptions } from "./args.js";

export interface WatchResults {
  watchers: number;
  writes: number;
  namespaces: number;
  /** write → event latency of every delivered (watcher, write) pair, ms. */
  latencies: Float64Array;
  lost: number;
  duplicates: number;
  /** Watch streams that failed to open or ended early. */
  streamErrors: number;
  streamErrorSamples: string[];
  writeErrors: number;
  /** ms to open all watch streams. */
  openMs: number;
  /** Node (load generator) CPU use while the writes were delivered, in % of one core. */
  readerCpuPercent: number;
}

const MARKER = Buffer.from('"name":"wev-');
const ADDED = Buffer.from('{"type":"ADDED"');
const NL = 10;

interface WatchStream {
  ns: number;
  seen: Uint8Array;
  count: number;
  rest: Buffer | undefined;
  ended: boolean;
  abort?: (err?: Error) => void;
}

export async function watchBench(c: HttpTarget, o: BenchOptions, nsCount = 1): Promise<WatchResults> {
  const W = o.watchers;
  const N = o.watchWrites;
  const namespaces = Array.from({ length: nsCount }, (_, i) => `bench-watch-${i}`);
  for (const ns of namespaces) await ensureNamespace(c, ns);
  const rvs = await Promise.all(namespaces.map(async (ns) => (await c.call("GET", `/api/v1/namespaces/${ns}/configmaps?limit=1`)).json.metadata.resourceVersion as string));

  const sentAt = new Float64Array(N).fill(NaN);
  const latencies = new Float64Array(W * N);
  let delivered = 0;
  let duplicates = 0;
  let streamErrors = 0;
  const streamErrorSamples: string[] = [];
  const streamError = (what: string) => {
    streamErrors++;
    if (streamErrorSamples.length < 5) streamErrorSamples.push(what);
  };

  const onLine = (s: WatchStream, line: Buffer, now: number) => {
    if (line.length < ADDED.length || line.compare(ADDED, 0, ADDED.length, 0, ADDED.length) !== 0) return;
    const at = line.indexOf(MARKER);
    if (at < 0) return;
    let idx = 0;
    for (let i = at + MARKER.length; i < line.length; i++) {
      const d = line[i] - 48;
      if (d < 0 || d > 9) break;
      idx = idx * 10 + d;
    }
    if (idx >= N) return;
    if (s.seen[idx]) {
      duplicates++;
      return;
    }
    s.seen[idx] = 1;
    s.count++;
    latencies[delivered++] = now - sentAt[idx];
  };

  const agent = new Agent({ connections: W + 8, pipelining: 1, connect: { ca: c.caCert }, headersTimeout: 60_000, bodyTimeout: 0 });
  const streams: WatchStream[] = [];
  const openOne = (j: number) =>
    new Promise<void>((resolveOpen) => {
      const s: WatchStream = { ns: j % nsCount, seen: new Uint8Array(N), count: 0, rest: undefined, ended: false };
      streams.push(s);
      const ns = namespaces[s.ns];
      const handler: Dispatcher.DispatchHandlers = {
        onConnect(abort) {
          s.abort = abort;
        },
        onHeaders(status) {
          if (status !== 200) streamError(`watch ${j}: HTTP ${status}`);
          resolveOpen();
          return true;
        },
        onData(chunk) {
          const now = performance.now();
          let buf = s.rest ? Buffer.concat([s.rest, chunk]) : chunk;
          let start = 0;
          for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
            onLine(s, buf.subarray(start, nl), now);
            start = nl + 1;
          }
          s.rest = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
          return true;
        },
        onComplete() {
          s.ended = true;
          if (!stopping) streamError(`watch ${j}: stream ended early`);
          resolveOpen();
        },
        onError(err) {
          s.ended = true;
          if (!stopping) streamError(`watch ${j}: ${err.message}`);
          resolveOpen();
        },
      };
      agent.dispatch(
        {
          origin: c.origin,
          method: "GET",
          path: `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${rvs[s.ns]}`,
          headers: { ...c.auth, accept: "application/json" },
        },
        handler,
      );
    });
  let stopping = false;

  const t0 = performance.now();
  await parallel(
    Array.from({ length: W }, (_, j) => j),
    64,
    (j) => openOne(j),
  );
  const openMs = performance.now() - t0;
  await sleep(500);

  // Steady writes: write i is due at i / rate seconds, whatever the previous one's latency.
  const writer = new Pool(c.origin, { connections: 4, connect: { ca: c.caCert } });
  let writeErrors = 0;
  const writes: Promise<void>[] = [];
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i < N; i++) {
    const due = w0 + (i * 1000) / o.watchRatePerSec;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const ns = namespaces[i % nsCount];
    sentAt[i] = performance.now();
    writes.push(
      writer
        .request({
          method: "POST",
          path: `/api/v1/namespaces/${ns}/configmaps`,
          headers: { ...c.auth, "content-type": "application/json" },
          body: `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"wev-${i}"},"data":{"i":"${i}"}}`,
        })
        .then(async (r) => {
          await r.body.dump();
          if (r.statusCode < 200 || r.statusCode >= 300) writeErrors++;
        })
        .catch(() => void writeErrors++),
    );
  }
  await Promise.all(writes);
  // Expected deliveries: each watcher sees the writes of its namespace.
  const expectedFor = (s: WatchStream) => Math.floor((N - 1 - s.ns) / nsCount) + 1;
  const expected = streams.reduce((a, s) => a + expectedFor(s), 0);
  const deadline = performance.now() + 15_000;
  while (delivered < expected && performance.now() < deadline) await sleep(50);
  const elapsed = performance.now() - w0;
  const cpu = process.cpuUsage(cpu0);
  stopping = true;
  for (const s of streams) s.abort?.();
  await writer.close();
  await agent.destroy().catch(() => {});

  return {
    watchers: W,
    writes: N,
    namespaces: nsCount,
    latencies: latencies.subarray(0, delivered),
    lost: expected - delivered,
    duplicates,
    streamErrors,
    streamErrorSamples,
    writeErrors,
    openMs,
    readerCpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
  };
}
