/**
 * `edgeplane backup FILE` and `edgeplane restore FILE`: every stored object
 * of every namespace, to and from one JSON file (a List-like document), with
 * uids, resourceVersions and status kept. Backup reads through the API like
 * any client (paged lists of every kind the registry stores); restore sends
 * batches to /edgeplane/v1/restore, which writes them back as they were —
 * meant for an empty cluster. Secrets are in the file in the clear: keep it
 * safe (it is written 0600).
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { KubeClient } from "./kube-client.js";
import { registry } from "../registry/index.js";
import type { KindDef, KObject } from "../registry/types.js";

/** Kinds that are not state worth restoring: computed, or reported again within seconds. */
const SKIP = new Set(["metrics.k8s.io/PodMetrics", "metrics.k8s.io/NodeMetrics"]);

export interface BackupFile {
  apiVersion: "edgeplane.dev/v1";
  kind: "Backup";
  metadata: { creationTimestamp: string; server: string };
  items: (KObject & { apiVersion: string; kind: string })[];
}

const apiVersionOf = (k: KindDef) => (k.group ? `${k.group}/${k.version}` : k.version);
const collectionPath = (k: KindDef) => `${k.group ? `/apis/${k.group}` : "/api"}/${k.version}/${k.plural}`;

export function backupKinds(): KindDef[] {
  return registry.all.filter((k) => !k.virtual && !k.convert && !SKIP.has(`${k.group}/${k.kind}`) && (!k.verbs || k.verbs.includes("list")));
}

export async function backup(client: KubeClient, file: string, progress: (kind: string, n: number) => void = () => {}): Promise<number> {
  const items: BackupFile["items"] = [];
  for (const k of backupKinds()) {
    let cont = "";
    let n = 0;
    do {
      const page = await client.get<{ metadata: { continue?: string }; items: KObject[] }>(`${collectionPath(k)}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`);
      for (const o of page.items) items.push({ apiVersion: apiVersionOf(k), kind: k.kind, ...o });
      n += page.items.length;
      cont = page.metadata.continue ?? "";
    } while (cont);
    progress(k.kind, n);
  }
  const doc: BackupFile = { apiVersion: "edgeplane.dev/v1", kind: "Backup", metadata: { creationTimestamp: new Date().toISOString(), server: client.conn.server }, items };
  writeFileSync(file, JSON.stringify(doc) + "\n", { mode: 0o600 });
  return items.length;
}

/** Namespaces first, then cluster-scoped kinds, then everything else (owners before dependents within a kind does not matter: GC keys on uids, which are kept). */
function order(o: { kind: string; apiVersion: string; metadata: { namespace?: string } }): number {
  if (o.kind === "Namespace" && o.apiVersion === "v1") return 0;
  return o.metadata.namespace ? 2 : 1;
}

export async function restore(client: KubeClient, file: string, batch = 200, progress: (done: number, total: number) => void = () => {}): Promise<number> {
  const doc = JSON.parse(readFileSync(file, "utf8")) as BackupFile;
  if (doc.kind !== "Backup" || !Array.isArray(doc.items)) throw new Error(`${file} is not an edgeplane backup`);
  const items = [...doc.items].sort((a, b) => order(a) - order(b));
  let done = 0;
  for (let i = 0; i < items.length; i += batch) {
    const chunk = items.slice(i, i + batch);
    await client.post("/edgeplane/v1/restore", { items: chunk });
    done += chunk.length;
    progress(done, items.length);
  }
  return done;
}
