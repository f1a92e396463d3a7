/** Read the server, bearer token and CA of a kubeconfig's current context (yaml is loaded only here, so programs given --server/--token stay small). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import type { Connection } from "./kube-client.js";

export function loadKubeconfig(path: string): Connection {
  const cfg = parse(readFileSync(path, "utf8")) as {
    "current-context"?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
    users?: { name: string; user: { token?: string } }[];
  };
  const ctx = cfg.contexts?.find((c) => c.name === cfg["current-context"])?.context ?? cfg.contexts?.[0]?.context;
  const cluster = cfg.clusters?.find((c) => c.name === ctx?.cluster)?.cluster ?? cfg.clusters?.[0]?.cluster;
  const user = cfg.users?.find((u) => u.name === ctx?.user)?.user ?? cfg.users?.[0]?.user;
  if (!cluster?.server || !user?.token) throw new Error(`${path}: no server or token in the current context`);
  const caData = cluster["certificate-authority-data"];
  return { server: cluster.server, token: user.token, ca: caData ? Buffer.from(caData, "base64").toString("utf8") : undefined };
}

type Named = { name: string; context?: { namespace?: string; [field: string]: unknown } };
export type Config = Record<string, unknown> & { "current-context"?: string; clusters?: Named[]; users?: Named[]; contexts?: Named[] };

/**
 * `next` (a kubeconfig's clusters, users and contexts) laid over `old`: its
 * entries replace old ones of the same name, the others stay, and a replaced
 * context keeps the namespace the user chose for it. The current context
 * stays too when `keepCurrent` and it still exists; else it is next's.
 */
export function mergeKubeconfigs(old: Config | null | undefined, next: Config, keepCurrent: boolean): Config {
  if (!old || typeof old !== "object") return next;
  const out: Config = { ...old, ...next };
  for (const k of ["clusters", "users", "contexts"] as const) {
    const fresh = (next[k] ?? []).map((n) => {
      const was = (old[k] ?? []).find((e) => e?.name === n.name);
      return k === "contexts" && was?.context?.namespace && n.context ? { ...n, context: { ...n.context, namespace: was.context.namespace } } : n;
    });
    out[k] = [...(old[k] ?? []).filter((e) => !fresh.some((n) => n.name === e?.name)), ...fresh];
  }
  const current = old["current-context"];
  if (keepCurrent && current && out.contexts?.some((c) => c.name === current)) out["current-context"] = current;
  return out;
}

/**
 * Write `fresh` (a kubeconfig of one cluster, user and context) to `path`,
 * keeping what the user did to the file since: other clusters, users and
 * contexts, the current context, and the namespace chosen for ours
 * (`kubectl config set-context --current --namespace=dev` survives a restart).
 */
export function writeKubeconfig(path: string, fresh: string): void {
  let out = fresh;
  if (existsSync(path)) {
    try {
      out = stringify(mergeKubeconfigs(parse(readFileSync(path, "utf8")) as Config | null, parse(fresh) as Config, true));
    } catch {
      // not YAML we can read: replace it
    }
  }
  writeFileSync(path, out, { mode: 0o600 });
}
