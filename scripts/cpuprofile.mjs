#!/usr/bin/env node
/**
 * Record a CPU profile of the local control plane's workerd isolates through
 * the V8 inspector (start it with EDGEPLANE_INSPECTOR_PORT=9229: the API's process on
 * 9229, the controllers' on 9230), then print
 * the functions with the most self time. For finding hot spots, not a bench.
 *   node scripts/cpuprofile.mjs [port=9229] [seconds=10] [out.cpuprofile]
 */
import { writeFileSync } from "node:fs";
import WebSocket from "ws";

const [port = "9229", seconds = "10", out] = process.argv.slice(2);
// The Worker's own isolate (`npm start`'s workerd: "worker main"; under Miniflare: core:user, with its entry worker); the rest are internals.
const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()).filter((t) => /core:(user|entry)|worker main/.test(t.title));

function session(url) {
  const ws = new WebSocket(url);
  let id = 0;
  const waiting = new Map();
  ws.on("message", (d) => {
    const m = JSON.parse(String(d));
    if (m.id && waiting.has(m.id)) {
      waiting.get(m.id)(m);
      waiting.delete(m.id);
    }
  });
  const opened = new Promise((r) => ws.once("open", r));
  return {
    opened,
    send: (method, params = {}) =>
      new Promise((resolve) => {
        const i = ++id;
        waiting.set(i, resolve);
        ws.send(JSON.stringify({ id: i, method, params }));
      }),
    close: () => ws.close(),
  };
}

const sessions = targets.map((t) => ({ t, s: session(t.webSocketDebuggerUrl) }));
for (const { s } of sessions) {
  await s.opened;
  await s.send("Profiler.enable");
  await s.send("Profiler.setSamplingInterval", { interval: 200 });
  await s.send("Profiler.start");
}
console.error(`profiling ${sessions.length} target(s) for ${seconds} s`);
await new Promise((r) => setTimeout(r, Number(seconds) * 1000));
for (const { t, s } of sessions) {
  const { result } = await s.send("Profiler.stop");
  const p = result.profile;
  if (out) writeFileSync(sessions.length > 1 ? `${out}.${t.id}` : out, JSON.stringify(p));
  const self = new Map();
  const total = p.samples.length;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const sid of p.samples) counts.set(sid, (counts.get(sid) ?? 0) + 1);
  for (const [nid, c] of counts) {
    const n = byId.get(nid);
    const f = n.callFrame;
    const key = `${f.functionName || "(anon)"} ${f.url.split("/").pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + c);
  }
  console.log(`\n== ${t.title} (${total} samples)`);
  for (const [k, c] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((100 * c) / total).toFixed(1).padStart(5)}%  ${k}`);
  s.close();
}
