/**
 * Maintenance of API Priority and Fairness' mandatory and suggested
 * configuration objects, as every kube-apiserver does: one that was deleted
 * comes back (deletion is not respected), and its spec is put back unless it
 * is a suggested object whose apf.kubernetes.io/autoupdate-spec annotation is
 * not "true" (an administrator's own tuning).
 */
import { deepEqual } from "../../apimachinery/objects.js";
import type { KObject } from "../../registry/types.js";
import { isAlreadyExists } from "../common/errors.js";
import type { ObjectKey, ReconcileContext, Resource } from "../types.js";

const AUTOUPDATE = "apf.kubernetes.io/autoupdate-spec";

/** Keep the configuration object a key names as it should be; other names are left alone. */
export async function maintain(resource: Resource, mandatory: KObject[], suggested: KObject[], key: ObjectKey, ctx: ReconcileContext): Promise<void> {
  const want = mandatory.find((o) => o.metadata.name === key.name) ?? suggested.find((o) => o.metadata.name === key.name);
  if (!want) return;
  const cur = ctx.lister.get(resource, "", key.name);
  if (!cur) {
    try {
      await ctx.client.create(resource, structuredClone(want));
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
    return;
  }
  if (cur.metadata.deletionTimestamp) return;
  const isMandatory = mandatory.includes(want);
  const auto = cur.metadata.annotations?.[AUTOUPDATE];
  if (!isMandatory && auto !== "true") return;
  if (deepEqual(cur.spec, want.spec) && auto === "true") return;
  await ctx.client.update(resource, { ...cur, metadata: { ...cur.metadata, annotations: { ...cur.metadata.annotations, [AUTOUPDATE]: "true" } }, spec: structuredClone(want.spec) });
}
