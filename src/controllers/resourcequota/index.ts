/**
 * The resourcequota controller: recomputes each ResourceQuota's status
 * (hard from spec, used counted from the informer cache) as the backstop of
 * the admission plugin, which charges creates at once but never releases:
 * deleted or finished pods free their quota here. Only usage of resources
 * the controller manager's informer holds (pods, services, PVCs) is
 * recounted; object counts of other kinds are kept current by admission
 * itself, which counts them live on every create.
 */
import { deepEqual } from "../../apimachinery/objects.js";
import { currentUsage, resourceOfQuotaName, toResourceList } from "../../admission/quota-usage.js";
import type { Controller, KeyMapper } from "../types.js";

/** Resources the informer caches and this controller recounts. */
export const RECOUNTED = ["pods", "services", "persistentvolumeclaims"];

const quotasOfNamespace: KeyMapper = (o, lister) => {
  const ns = o.metadata.namespace ?? "";
  return lister.list("resourcequotas", ns).map((q) => ({ namespace: ns, name: q.metadata.name ?? "" }));
};

export const resourceQuotaController: Controller = {
  name: "resourcequota",
  primary: "resourcequotas",
  watches: RECOUNTED.map((resource) => ({ resource, map: quotasOfNamespace })),
  async reconcile(key, ctx) {
    const rq = ctx.lister.get("resourcequotas", key.namespace, key.name);
    if (!rq || rq.metadata.deletionTimestamp) return;
    const hard = ((rq.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {});
    const status = (rq.status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
    const names = Object.keys(hard).filter((n) => RECOUNTED.includes(resourceOfQuotaName(n) ?? ""));
    const src = { list: (r: string) => ctx.lister.list(r, key.namespace), count: (r: string) => ctx.lister.list(r, key.namespace).length };
    const recount = toResourceList(currentUsage(names, src, ctx.now()));
    const used: Record<string, string> = {};
    for (const n of Object.keys(hard).sort()) used[n] = recount[n] ?? status.used?.[n] ?? "0";
    const next = { hard: { ...hard }, used };
    if (deepEqual(next, { hard: status.hard, used: status.used })) return;
    await ctx.client.updateStatus("resourcequotas", { ...rq, status: next });
  },
};
