/**
 * A StatefulSet's PersistentVolumeClaims: one per claim template and
 * ordinal, labelled with the set's selector, created before the pod and never
 * overwritten. persistentVolumeClaimRetentionPolicy decides who owns them:
 * nobody (Retain, the default: they outlive pods and set), the set
 * (whenDeleted: Delete) or, once scaled away, the pod (whenScaled: Delete).
 */
import type { KObject } from "../../registry/types.js";
import { errorMessage, isAlreadyExists } from "../common/errors.js";
import { ownerSelector } from "../common/owner-refs.js";
import type { Pod } from "../common/pods.js";
import { keyOf, type KeyMapper, type ReconcileContext, type Resource } from "../types.js";
import { claimName, ordinalOf, type StatefulSetObject } from "./identity.js";

export const CLAIMS = "persistentvolumeclaims";

/** The claims of one ordinal, labelled with the set's selector labels; owners are the caller's choice. */
function claimsOf(set: StatefulSetObject, ordinal: number): KObject[] {
  const selectorLabels = set.spec.selector?.matchLabels ?? {};
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      name: claimName(t, set, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...t.metadata?.labels, ...selectorLabels },
    },
    spec: structuredClone(t.spec ?? {}),
  }));
}

/** Create the ordinal's missing claims (owned by the set when whenDeleted is Delete). */
export async function ensureClaims(ctx: ReconcileContext, set: StatefulSetObject, ordinal: number, pod: string): Promise<void> {
  const ownedBySet = set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete";
  for (const claim of claimsOf(set, ordinal)) {
    const name = claim.metadata.name ?? "";
    if (ctx.lister.get(CLAIMS, claim.metadata.namespace ?? "", name)) continue;
    if (ownedBySet) claim.metadata.ownerReferences = [{ apiVersion: "apps/v1", kind: "StatefulSet", name: set.metadata.name ?? "", uid: set.metadata.uid ?? "" }];
    try {
      await ctx.client.create(CLAIMS, claim);
    } catch (e) {
      if (isAlreadyExists(e)) continue;
      ctx.recorder.event(set, "Warning", "FailedCreate", `create Claim ${name} for Pod ${pod} in StatefulSet ${set.metadata.name} failed error: ${errorMessage(e)}`);
      throw e;
    }
    ctx.recorder.event(set, "Normal", "SuccessfulCreate", `create Claim ${name} Pod ${pod} in StatefulSet ${set.metadata.name} success`);
  }
}

/** whenScaled: Delete — hand a condemned pod's claims to the pod, so they go with it. */
export async function releaseClaims(ctx: ReconcileContext, set: StatefulSetObject, pod: Pod): Promise<void> {
  const ref = { apiVersion: "v1", kind: "Pod", name: pod.metadata.name ?? "", uid: pod.metadata.uid ?? "" };
  for (const c of claimsOf(set, ordinalOf(set, pod))) {
    const claim = ctx.lister.get(CLAIMS, c.metadata.namespace ?? "", c.metadata.name ?? "");
    const refs = claim?.metadata.ownerReferences ?? [];
    if (!claim || refs.some((r) => r.uid === ref.uid)) continue;
    await ctx.client.patch(CLAIMS, claim.metadata.namespace ?? "", claim.metadata.name ?? "", { metadata: { ownerReferences: [...refs, ref] } });
  }
}

/** A claim changed: the sets (of `resource`) in its namespace with claim templates whose selector its labels match. */
export function setsOfClaim(resource: Resource): KeyMapper {
  return (claim, lister) =>
    (lister.list(resource, claim.metadata.namespace ?? "") as StatefulSetObject[])
      .filter((s) => s.spec.volumeClaimTemplates?.length && ownerSelector(s)(claim.metadata.labels))
      .map(keyOf);
}
