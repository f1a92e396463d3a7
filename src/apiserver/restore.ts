/**
 * POST /edgeplane/v1/restore: the server side of `edgeplane restore`. Takes
 * a batch of objects from a backup and writes each into its store as it was
 * (uid, resourceVersion, status), Namespaces first so their stores are
 * active. Only for a fresh cluster: objects of the same name are replaced.
 * A non-resource path, so only those allowed it (cluster admins) may call it.
 */
import type { Env } from "../env.js";
import { errors } from "../apimachinery/status.js";
import { MAX_BODY_BYTES } from "../apimachinery/codec.js";
import { registry, resourceKey } from "../registry/index.js";
import type { KObject } from "../registry/types.js";
import { clusterStore, namespaceStore } from "../store/object-store.js";
import { controllerManager } from "../controllers/runtime/manager.js";

export async function restoreBatch(env: Env, req: Request): Promise<Response> {
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) throw errors.tooLarge(MAX_BODY_BYTES);
  let body: { items?: unknown };
  try {
    body = JSON.parse(text) as { items?: unknown };
  } catch (e) {
    throw errors.badRequest(`restore batch is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(body.items)) throw errors.badRequest("restore batch must be {\"items\": [...]}");
  const byStore = new Map<string, { resource: string; data: string }[]>();
  const namespaces: string[] = [];
  for (const [i, raw] of body.items.entries()) {
    const o = raw as KObject & { apiVersion?: string; kind?: string };
    const [group, version] = (o.apiVersion ?? "").includes("/") ? (o.apiVersion ?? "").split("/") : ["", o.apiVersion ?? ""];
    const kind = registry.byKind(group, version, o.kind ?? "");
    if (!kind || kind.virtual) throw errors.badRequest(`items[${i}]: ${o.apiVersion}/${o.kind} is not a stored kind of this cluster`);
    if (!o.metadata?.name) throw errors.badRequest(`items[${i}]: metadata.name is required`);
    if (kind.namespaced && !o.metadata.namespace) throw errors.badRequest(`items[${i}]: ${o.kind} ${o.metadata.name} has no namespace`);
    const store = kind.namespaced ? `ns:${o.metadata.namespace}` : "cluster";
    if (!byStore.has(store)) byStore.set(store, []);
    byStore.get(store)!.push({ resource: resourceKey(kind), data: JSON.stringify(o) });
    if (kind.kind === "Namespace" && !kind.group) namespaces.push(o.metadata.name);
  }
  let restored = 0;
  const cluster = byStore.get("cluster");
  if (cluster) restored += (await clusterStore(env).restore(cluster)).restored;
  for (const ns of namespaces) await namespaceStore(env, ns).activate(ns);
  for (const [store, items] of byStore) {
    if (store === "cluster") continue;
    const ns = store.slice(3);
    const stub = namespaceStore(env, ns);
    await stub.activate(ns);
    restored += (await stub.restore(items)).restored;
  }
  // The control loops re-list, so what was restored is reconciled at once.
  await controllerManager(env)
    .resync()
    .catch(() => {});
  return new Response(JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 200, message: `restored ${restored} objects`, details: { restored } }), { headers: { "content-type": "application/json" } });
}
