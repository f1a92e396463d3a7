/**
 * workerd started with a config of our own, the Worker bound straight to the
 * HTTPS socket. Miniflare puts its entry worker in front of every request (a
 * second isolate hop per request and per streamed chunk): measured here, a
 * hello-world served through it ran at a quarter of the rate of the same
 * Worker on a socket of its own, and watch events waited twice as long at the
 * median. Durable Objects persist in the layout Miniflare gives them
 * (<state>/-<Class>/<id>.sqlite, unique key "-<Class>"), so a home written by
 * an earlier version keeps its state. The cron trigger is a second, loopback
 * socket to a one-line Worker that calls the main one's scheduled handler.
 * With `debugPort` and `peer`, two such processes reach each other's Durable
 * Objects (src/actors.ts): one serves the API, the other only its debug port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";
import type { Readable } from "node:stream";

/** The binary of the installed `workerd` package (the version Miniflare and wrangler use). */
const workerdPath = (createRequire(import.meta.url)("workerd") as { default: string }).default;

export interface WorkerdOptions {
  /** Absolute path of the Worker's bundled ES module. */
  script: string;
  /** Directory of the Durable Objects' SQLite files; none: they live in memory (a process whose objects keep nothing). */
  state?: string;
  /** Where the config is written (it holds the TLS key and secrets: mode 0600). */
  configFile: string;
  host: string;
  /** 0: any free port. */
  port: number;
  /** HTTPS with this key and certificate; none: plain HTTP (the bench's yardsticks). */
  tls?: { key: string; cert: string };
  compatibilityDate: string;
  compatibilityFlags: string[];
  /** Durable Object bindings: binding name → class name (all SQLite-backed). */
  durableObjects: Record<string, string>;
  /** Text bindings (vars and secrets). */
  bindings: Record<string, string>;
  inspectorPort?: number;
  /** Listen on workerd's debug port here (e.g. "unix:/dir/x.sock"): another process's PEER binding reaches this one's Durable Objects. */
  debugPort?: string;
  /** Bind PEER (workerd's debug-port client) for src/actors.ts. */
  peer?: boolean;
  /** Serve the API and cron sockets (default); false: a process reached only through its debug port. */
  serve?: boolean;
}

export interface Workerd {
  port: number;
  /** Settles when the process ends, however it ends: how it ended. */
  exited: Promise<string>;
  /** Run the Worker's scheduled handler, as a cron trigger would. */
  scheduled(cron: string): Promise<void>;
  stop(): Promise<void>;
}

/** Whether the process serves the API and cron sockets (the default). */
const serves = (o: WorkerdOptions) => o.serve !== false;

/** host:port, an IPv6 host in brackets. */
export const hostPort = (host: string, port: number): string => `${host.includes(":") ? `[${host}]` : host}:${port}`;

/** A capnp text literal: JSON's escapes are capnp's, except \u, which no PEM, token or var here needs. */
function str(s: string): string {
  const j = JSON.stringify(s);
  if (/\\u/.test(j)) throw new Error(`workerd config: unsupported character in ${j.slice(0, 40)}`);
  return j;
}

/** The cron socket's Worker: POST with the per-process secret runs the main Worker's scheduled handler. */
const CRON_WORKER = `export default {
  async fetch(req, env) {
    if (req.headers.get("x-cron-secret") !== env.SECRET) return new Response("forbidden", { status: 403 });
    const cron = new URL(req.url).searchParams.get("cron") ?? "";
    const r = await env.MAIN.scheduled({ cron, scheduledTime: new Date() });
    return new Response(r.outcome, { status: r.outcome === "ok" ? 200 : 500 });
  },
};`;

export function workerdConfig(o: WorkerdOptions, cronSecret: string): string {
  const classes = [...new Set(Object.values(o.durableObjects))];
  const bindings = [
    ...Object.entries(o.bindings).map(([name, value]) => `(name = ${str(name)}, text = ${str(value)})`),
    ...Object.entries(o.durableObjects).map(([name, className]) => `(name = ${str(name)}, durableObjectNamespace = ${str(className)})`),
    ...(o.peer ? [`(name = "PEER", workerdDebugPort = void)`] : []),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .main),
${o.state ? `    (name = "state", disk = (path = ${str(o.state)}, writable = true)),
` : ""}    (name = "cron", worker = .cron),
  ],
  sockets = [${
    serves(o)
      ? `
    (name = "api", address = ${str(hostPort(o.host, o.port))}, service = "main",
     ${o.tls ? `https = (options = (), tlsOptions = (keypair = (privateKey = ${str(o.tls.key)}, certificateChain = ${str(o.tls.cert)})))` : "http = ()"}),
    (name = "cron", address = "127.0.0.1:0", service = "cron", http = ()),
  `
      : ""
  }],
);
const main :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed ${str(relative(dirname(o.configFile), o.script))})],
  compatibilityDate = ${str(o.compatibilityDate)},
  compatibilityFlags = [${o.compatibilityFlags.map(str).join(", ")}],
  bindings = [${bindings.join(",\n    ")}],
  durableObjectNamespaces = [${classes.map((c) => `(className = ${str(c)}, uniqueKey = ${str(`-${c}`)}, enableSql = true)`).join(", ")}],
  durableObjectStorage = ${o.state ? `(localDisk = "state")` : "(inMemory = void)"},
);
const cron :Workerd.Worker = (
  modules = [(name = "cron.js", esModule = ${str(CRON_WORKER)})],
  compatibilityDate = ${str(o.compatibilityDate)},
  # Fetcher.scheduled() on a service binding.
  compatibilityFlags = ["service_binding_extra_handlers"],
  bindings = [(name = "MAIN", service = "main"), (name = "SECRET", text = ${str(cronSecret)})],
);
`;
}

/** The ports workerd reports on its control pipe once each socket listens. */
async function listening(control: Readable, sockets: string[], child: ChildProcess, stderr: () => string): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code, signal) => reject(new Error(`workerd exited (${signal ?? code}) before listening${stderr() ? `: ${stderr().trim()}` : ""}`))),
  );
  const read = (async () => {
    for await (const line of createInterface(control)) {
      const m = JSON.parse(line) as { event?: string; socket?: string; port?: number };
      if (m.event === "listen" && m.socket && sockets.includes(m.socket) && m.port !== undefined) ports.set(m.socket, m.port);
      if (ports.size === sockets.length) return ports;
    }
    throw new Error(`workerd closed its control pipe before listening${stderr() ? `: ${stderr().trim()}` : ""}`);
  })();
  return Promise.race([read, exited]);
}

export async function startWorkerd(o: WorkerdOptions): Promise<Workerd> {
  const cronSecret = randomBytes(16).toString("hex");
  writeFileSync(o.configFile, workerdConfig(o, cronSecret), { mode: 0o600 });
  const args = [
    "serve",
    o.configFile,
    "--experimental",
    "--control-fd=3",
    ...(o.inspectorPort !== undefined ? [`--inspector-addr=127.0.0.1:${o.inspectorPort}`] : []),
    ...(o.debugPort ? [`--debug-port=${o.debugPort}`] : []),
  ];
  const child = spawn(workerdPath, args, { stdio: ["ignore", "inherit", "pipe", "pipe"] });
  // workerd has no parent-death signal: it goes with this process however that ends.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ? `killed by ${signal}` : `exit code ${code}`)));
  // Its stderr makes a startup failure's message, and is passed on once it listens.
  let early = "";
  let started = false;
  child.stderr!.on("data", (b: Buffer) => {
    if (started) process.stderr.write(b);
    else if (early.length < 4096) early += b.toString();
  });
  let ports: Map<string, number>;
  try {
    ports = await listening(child.stdio[3] as Readable, serves(o) ? ["api", "cron"] : ["debug-port"], child, () => early);
  } catch (e) {
    kill();
    if (/Address already in use/i.test(early)) throw new Error(`EADDRINUSE: address already in use ${o.host}:${o.port}`);
    throw e;
  }
  started = true;
  if (early) process.stderr.write(early);
  const cronUrl = ports.has("cron") ? `http://127.0.0.1:${ports.get("cron")}/` : undefined;
  let stopped: Promise<void> | undefined;
  return {
    port: ports.get("api") ?? 0,
    exited,
    async scheduled(cron) {
      if (!cronUrl) throw new Error("this workerd serves no cron socket");
      const r = await fetch(`${cronUrl}?cron=${encodeURIComponent(cron)}`, { method: "POST", headers: { "x-cron-secret": cronSecret } });
      if (!r.ok) throw new Error(`scheduled handler: ${r.status} ${await r.text()}`);
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        process.removeListener("exit", kill);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        kill();
      });
      return stopped;
    },
  };
}
