/**
 * The `edgeplane` command: one entry for what an operator does.
 *   edgeplane up [--no-agent]            the local control plane (+ a local node), what `npm start` runs
 *   edgeplane join --server URL --token T  run a node agent on this host (flags: edgeplane-agent --help)
 *   edgeplane status                     health of store, scheduler, controllers; nodes; versions
 *   edgeplane kubeconfig [--merge] [--context NAME]   print the local kubeconfig, or merge it into ~/.kube/config
 *   edgeplane backup FILE | restore FILE  all objects of all namespaces to / from one file
 *   edgeplane deploy [--dry-run]         deploy to Cloudflare with wrangler (secrets, deploy, kubeconfig)
 *   edgeplane token create [--ttl 24h] [--user NAME [--group G]...]   a join token for agents (or a user's token)
 * Commands that talk to a cluster use --kubeconfig FILE, else $KUBECONFIG, else $EDGEPLANE_HOME/kubeconfig (.edgeplane/).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { KubeClient, KubeError } from "./kube-client.js";
import { loadKubeconfig } from "./kubeconfig.js";

const tty = process.stdout.isTTY;
const color = (code: string, s: string) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
export const ok = (s: string) => color("32", s);
export const bad = (s: string) => color("31", s);
const dim = (s: string) => color("2", s);

function fail(msg: string, fix?: string): never {
  console.error(`${bad("error:")} ${msg}${fix ? `\n  ${dim("fix:")} ${fix}` : ""}`);
  process.exit(1);
}

function kubeconfigPath(explicit?: string): string {
  const p = explicit ?? process.env.KUBECONFIG?.split(":")[0] ?? join(process.env.EDGEPLANE_HOME ?? ".edgeplane", "kubeconfig");
  if (!existsSync(p)) fail(`no kubeconfig at ${p}`, "start a local control plane with `npm start` (or `edgeplane up`), or pass --kubeconfig FILE");
  return p;
}

function client(explicit?: string): KubeClient {
  return new KubeClient(loadKubeconfig(kubeconfigPath(explicit)));
}

async function status(kc?: string): Promise<void> {
  const c = client(kc);
  try {
    const v = await c.get<{ gitVersion: string }>("/version");
    console.log(`control plane ${c.conn.server} ${dim(v.gitVersion)}`);
    const cs = await c.get<{ items: { metadata: { name: string }; conditions: { status: string; message?: string }[] }[] }>("/api/v1/componentstatuses");
    for (const s of cs.items) {
      const healthy = s.conditions[0]?.status === "True";
      console.log(`  ${healthy ? ok("✓") : bad("✗")} ${s.metadata.name.padEnd(20)} ${dim(s.conditions[0]?.message ?? "")}`);
    }
    const nodes = await c.get<{ items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string; containerRuntimeVersion?: string }; allocatable?: Record<string, string> } }[] }>("/api/v1/nodes");
    const pods = await c.get<{ items: { spec: { nodeName?: string }; status: { phase?: string } }[] }>("/api/v1/pods");
    console.log(`nodes: ${nodes.items.length}`);
    for (const n of nodes.items) {
      const ready = n.status.conditions?.find((x) => x.type === "Ready")?.status === "True";
      const count = pods.items.filter((p) => p.spec.nodeName === n.metadata.name && p.status.phase === "Running").length;
      console.log(`  ${ready ? ok("✓ Ready   ") : bad("✗ NotReady")} ${n.metadata.name.padEnd(24)} ${String(count).padStart(4)} pods running  ${dim(`${n.status.nodeInfo?.kubeletVersion ?? ""} ${n.status.nodeInfo?.containerRuntimeVersion ?? ""}`)}`);
    }
    if (!nodes.items.length) console.log(dim("  no nodes: `npm start` joins this machine when Docker or Podman is present; `edgeplane join` adds hosts"));
  } catch (e) {
    if (e instanceof KubeError && e.code === 401) fail(`the cluster refused the token in ${kubeconfigPath(kc)}`, "use the kubeconfig `edgeplane up` wrote, or a token an admin gave you");
    fail(`cannot reach ${c.conn.server}: ${(e as Error).message}`, "is the control plane running? (`npm start`)");
  } finally {
    await c.close();
  }
}

/** Merge one kubeconfig's cluster, user and context into another under `name` (replacing entries of that name, keeping the namespace chosen there) and make it current. */
export async function mergeKubeconfig(from: string, into: string, name: string): Promise<void> {
  const { parse, stringify } = await import("yaml");
  const { mergeKubeconfigs } = await import("./kubeconfig.js");
  const src = parse(readFileSync(from, "utf8")) as Record<string, { name: string }[] & unknown>;
  const first = (k: string) => (src[k] as unknown as { name: string }[])?.[0];
  const ctx = first("contexts") as unknown as { context: Record<string, string> };
  const next = {
    clusters: [{ ...first("clusters"), name }],
    users: [{ ...first("users"), name: `${name}-admin` }],
    contexts: [{ name, context: { ...ctx.context, cluster: name, user: `${name}-admin` } }],
    "current-context": name,
  };
  const dst = existsSync(into) ? parse(readFileSync(into, "utf8")) : null;
  const base = { apiVersion: "v1", kind: "Config", preferences: {}, ...(dst ?? {}) };
  mkdirSync(dirname(into), { recursive: true });
  writeFileSync(into, stringify(mergeKubeconfigs(base, next, false)), { mode: 0o600 });
}

/** "90s", "15m", "24h", "7d" or plain seconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+)([smhd]?)$/.exec(s.trim());
  if (!m) fail(`not a duration: ${s}`, "use e.g. 90s, 15m, 24h or 7d");
  return Number(m[1]) * ({ s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2] || "s"];
}

export async function main(argv: string[]): Promise<void> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: false, options: { kubeconfig: { type: "string" }, merge: { type: "boolean" }, context: { type: "string" }, "dry-run": { type: "boolean" }, ttl: { type: "string" }, user: { type: "string" }, group: { type: "string", multiple: true } } });
  const kc = values.kubeconfig as string | undefined;
  switch (cmd) {
    case "status":
      return status(kc);
    case "kubeconfig": {
      const path = kubeconfigPath(kc);
      if (!values.merge) return void process.stdout.write(readFileSync(path, "utf8"));
      const into = join(homedir(), ".kube", "config");
      const name = (values.context as string | undefined) ?? "edgeplane";
      await mergeKubeconfig(path, into, name);
      console.log(`${ok("✓")} context ${name} merged into ${into} and made current (kubectl config use-context to switch back)`);
      return;
    }
    case "backup": {
      const file = positionals[0] ?? fail("edgeplane backup FILE", "name the file to write, e.g. edgeplane backup cluster.json");
      const { backup } = await import("./backup.js");
      const c = client(kc);
      const n = await backup(c, resolve(file), (kind, count) => count && process.stderr.write(dim(`  ${kind}: ${count}\n`)));
      await c.close();
      console.log(`${ok("✓")} ${n} objects written to ${file} ${dim("(Secrets included in the clear: keep the file safe)")}`);
      return;
    }
    case "restore": {
      const file = positionals[0] ?? fail("edgeplane restore FILE", "name a file `edgeplane backup` wrote");
      if (!existsSync(file)) fail(`no such file: ${file}`);
      const { restore } = await import("./backup.js");
      const c = client(kc);
      const n = await restore(c, resolve(file), 200, (done, total) => tty && process.stderr.write(`\r  ${done}/${total}`));
      if (tty) process.stderr.write("\n");
      await c.close();
      console.log(`${ok("✓")} ${n} objects restored (uids and resourceVersions as they were)`);
      return;
    }
    case "token": {
      if (positionals[0] !== "create") fail("edgeplane token create [--ttl 24h] [--user NAME [--group G]...]");
      const ttl = parseDuration((values.ttl as string | undefined) ?? "24h");
      const { createBootstrapToken, createUserToken } = await import("./tokens.js");
      const c = client(kc);
      try {
        if (values.user) {
          const token = await createUserToken(c, { username: values.user as string, groups: (values.group as string[] | undefined) ?? [], ttlSeconds: values.ttl ? ttl : undefined });
          console.log(token);
          console.error(dim(`a token for user ${values.user}${values.ttl ? `, valid ${values.ttl}` : ""}; shown once. Grant it rights with RBAC, e.g. kubectl create clusterrolebinding ${values.user}-view --clusterrole=view --user=${values.user}`));
        } else {
          const token = await createBootstrapToken(c, { ttlSeconds: ttl, description: "edgeplane token create" });
          console.log(token);
          console.error(dim(`a join token valid ${values.ttl ?? "24h"}; on a worker host:\n  npx edgeplane join --server ${c.conn.server} --token ${token} --name NODE${c.conn.ca ? " --ca ca.crt" : ""}`));
        }
      } catch (e) {
        fail((e as Error).message, "creating tokens needs an admin kubeconfig");
      } finally {
        await c.close();
      }
      return;
    }
    case "deploy": {
      const { deploy } = await import("./deploy.js");
      try {
        await deploy({ home: process.env.EDGEPLANE_HOME ?? ".edgeplane", dryRun: !!values["dry-run"], log: (m) => console.log(`${ok("✓")} ${m}`) });
      } catch (e) {
        fail((e as Error).message);
      }
      return;
    }
    default:
      console.log(readFileSync(new URL(import.meta.url), "utf8").split("\n").slice(1, 10).map((l) => l.replace(/^ \* ?/, "")).join("\n"));
      if (cmd && cmd !== "help" && cmd !== "--help") process.exit(2);
  }
}
