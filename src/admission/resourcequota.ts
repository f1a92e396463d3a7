/**
 * ResourceQuota: a create that would take a namespace over any of its
 * quotas' hard limits is refused (403 "exceeded quota: q, requested: pods=1,
 * used: pods=2, limited: pods=2"); pods must name the compute resources a
 * quota tracks. Usage is counted from the namespace's store inside the
 * write's transaction, so concurrent creates can never overrun a quota; the
 * admitted create charges the quota's status.used in the same transaction,
 * and the quota controller recomputes it as a backstop (deletions).
 */
import { addQuantities, compareQuantity, formatQuantity, type Quantity } from "../apimachinery/quantity.js";
import type { KObject } from "../registry/types.js";
import { admissionForbidden } from "./forbidden.js";
import { podSpec } from "./pod-resources.js";
import { computeField, currentUsage, resourceOfQuotaName, toResourceList, usageOf } from "./quota-usage.js";
import type { AdmissionContext, AdmissionPlugin, Attributes } from "./types.js";

type Hard = Record<string, string>;
const hardOf = (rq: KObject) => ((rq.spec as { hard?: Hard } | undefined)?.hard ?? {});

const pretty = (m: Map<string, Quantity>, keys: string[]) => keys.map((k) => `${k}=${formatQuantity(m.get(k)!)}`).join(",");

/** Compute names a quota tracks that some container leaves unset: "failed quota: q: must specify ...". */
function missingCompute(a: Attributes, names: string[]): string[] {
  if (a.resource !== "pods") return [];
  const spec = podSpec(a.object);
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const out: string[] = [];
  for (const n of names) {
    const f = computeField(n);
    if (!f || n === f[1]) continue; // bare "cpu"/"memory" quotas do not require requests
    const lacking = containers.filter((c) => c.resources?.[f[0]]?.[f[1]] === undefined).map((c) => c.name);
    if (lacking.length) out.push(`${n} for: ${lacking.join(",")}`);
  }
  return out;
}

export const resourceQuota: AdmissionPlugin = {
  name: "ResourceQuota",
  /** A quota written through its main resource gets a fresh status (hard from spec, used counted now). */
  admit(a, ctx) {
    if (a.resource !== "resourcequotas" || a.subresource || a.operation === "DELETE") return;
    a.object.status = quotaStatus(a.object, ctx);
  },
  validate(a, ctx) {
    if (a.operation !== "CREATE" || a.subresource || !a.kind.namespaced) return;
    const quotas = ctx.list("resourcequotas");
    if (!quotas.length) return;
    const now = Date.now();
    const src = { list: (r: string) => ctx.list(r), count: (r: string) => ctx.count(r) };
    const charges: { rq: KObject; used: Map<string, Quantity> }[] = [];
    for (const rq of [...quotas].sort((x, y) => ((x.metadata.name ?? "") < (y.metadata.name ?? "") ? -1 : 1))) {
      const hard = hardOf(rq);
      const names = Object.keys(hard).filter((n) => resourceOfQuotaName(n) === a.resource);
      if (!names.length) continue;
      const missing = missingCompute(a, names);
      if (missing.length) throw admissionForbidden(a, `failed quota: ${rq.metadata.name}: must specify ${missing.join("; ")}`);
      const delta = usageOf(a.resource, a.object, names, now);
      if (!delta.size) continue;
      const used = currentUsage(names, src, now);
      const exceeded = [...delta.keys()].filter((n) => {
        const h = hard[n];
        return h !== undefined && compareQuantity(addQuantities(used.get(n)!, delta.get(n)!), h) > 0;
      }).sort();
      if (exceeded.length) {
        const limited = new Map(exceeded.map((n) => [n, addQuantities(hard[n])] as const));
        throw admissionForbidden(a, `exceeded quota: ${rq.metadata.name}, requested: ${pretty(delta, exceeded)}, used: ${pretty(used, exceeded)}, limited: ${pretty(limited, exceeded)}`);
      }
      for (const [n, v] of delta) used.set(n, addQuantities(used.get(n)!, v));
      charges.push({ rq, used });
    }
    if (a.dryRun) return;
    for (const { rq, used } of charges) chargeStatus(rq, used, ctx);
  },
};

/** Write status.hard and the new usage of the names charged. */
function chargeStatus(rq: KObject, used: Map<string, Quantity>, ctx: AdmissionContext): void {
  const o = structuredClone(rq);
  const st = (o.status ?? {}) as { hard?: Hard; used?: Hard };
  o.status = { hard: { ...hardOf(rq) }, used: { ...st.used, ...toResourceList(used) } };
  ctx.writeStatus("resourcequotas", o);
}

/** Fresh status of a quota (on its create or update, and for the controller). */
export function quotaStatus(rq: KObject, src: { list(r: string): KObject[]; count(r: string): number }, now = Date.now()): { hard: Hard; used: Hard } {
  const hard = hardOf(rq);
  const names = Object.keys(hard);
  return { hard: { ...hard }, used: toResourceList(currentUsage(names, src, now)) };
}
