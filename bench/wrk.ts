/**
 * The wrk engine of the load generator: the same request template turned
 * into a generated Lua script (unique "$NAME" per request from a per-thread
 * counter; a fixed request is pre-formatted once), one untimed warm-up run,
 * then the measured run, whose done() hook prints the counts and latency
 * percentiles as JSON. 2 threads (this is a 2-core machine; --wrk-threads
 * changes it). wrk does not verify TLS certificates; the handshake costs the same.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadOptions, LoadResult } from "./loadgen.js";
import { onCleanup } from "./cleanup.js";

export function wrkBinary(): string | undefined {
  if (process.env.WRK) return process.env.WRK;
  const r = spawnSync("which", ["wrk"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const lua = (s: string) => JSON.stringify(s); // a JSON string literal is a valid Lua string literal for the ASCII we send

function script(o: LoadOptions, prefix: string): string {
  const { method, path, headers = {}, body } = o.spec;
  const hdrs = Object.entries(headers).map(([k, v]) => `[${lua(k)}] = ${lua(v)}`).join(", ");
  const named = path.includes("$NAME") || (body ?? "").includes("$NAME");
  const part = (s: string | undefined) => {
    if (s === undefined) return "nil";
    if (!s.includes("$NAME")) return lua(s);
    const [a, b] = [s.slice(0, s.indexOf("$NAME")), s.slice(s.indexOf("$NAME") + 5)];
    return `${lua(a)} .. name .. ${lua(b)}`;
  };
  return `
local nextid = 0
function setup(thread)
  thread:set("tid", nextid)
  nextid = nextid + 1
end
local counter = 0
local headers = { ${hdrs} }
local fixed = nil
function init(args)
  ${named ? "" : `fixed = wrk.format(${lua(method)}, ${lua(path)}, headers, ${part(body)})`}
end
function request()
  if fixed then return fixed end
  counter = counter + 1
  local name = ${lua(prefix)} .. tid .. "x" .. counter
  name = name .. string.rep("a", (4 - #name % 4) % 4)
  return wrk.format(${lua(method)}, ${part(path)}, headers, ${part(body)})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"duration":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
end
`;
}

function wrk(bin: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    const forget = onCleanup(() => child.kill("SIGKILL"));
    child.on("exit", forget);
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}: ${out.slice(-500)}`))));
  });
}

export async function runWrk(o: LoadOptions): Promise<LoadResult> {
  const bin = wrkBinary();
  if (!bin) throw new Error("wrk is not installed");
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-bench-wrk-"));
  const forget = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const threads = String(Math.min(o.connections, Number(process.env.WRK_THREADS ?? 2)));
  const base = (prefix: string, ms: number) => {
    const file = join(dir, `${prefix}.lua`);
    writeFileSync(file, script(o, prefix));
    return ["-t", threads, "-c", String(o.connections), "-d", `${Math.max(1, Math.round(ms / 1000))}s`, "--timeout", "10s", "-s", file, o.origin];
  };
  try {
    const stamp = Date.now().toString(36);
    if (o.warmupMs > 0) await wrk(bin, base(`w${stamp}`, o.warmupMs));
    const out = await wrk(bin, base(`m${stamp}`, o.durationMs));
    const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
    if (!line) throw new Error(`wrk printed no result: ${out.slice(-500)}`);
    const r = JSON.parse(line.slice(8)) as Record<string, number>;
    const errors = r.status + r.connect + r.read + r.write + r.timeout;
    const seconds = r.duration / 1e6;
    const ok = r.requests - r.status;
    const errorSamples: string[] = [];
    if (errors) errorSamples.push(`wrk: ${r.status} HTTP ≥ 400, ${r.connect} connect, ${r.read} read, ${r.write} write, ${r.timeout} timeout errors (run with --loadgen node to see bodies)`);
    return { engine: "wrk", rate: ok / seconds, ok, errors, errorSamples, p50: r.p50 / 1000, p99: r.p99 / 1000, seconds };
  } finally {
    forget();
    rmSync(dir, { recursive: true, force: true });
  }
}
