/**
 * Which PersistentVolume a claim binds to, as the PV controller's
 * findByClaim / FindMatchingVolume decide it: a volume pre-bound to the
 * claim if it fits, otherwise an Available, unclaimed volume of the claim's
 * class whose labels match the claim's selector, whose volumeMode is the
 * claim's, whose access modes include all of the claim's and whose capacity
 * covers the request — preferring volumes with the fewest access modes
 * (Kubernetes searches the smallest matching mode set first), then the
 * smallest capacity.
 */
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { compareQuantity } from "../../apimachinery/quantity.js";
import { selectorFromLabelSelector, type LabelMatcher } from "../../apimachinery/selectors/labels.js";

/** The volume's claimRef names this claim (and, once it carries one, its uid). */
export function isBoundTo(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  return !!ref && ref.namespace === pvc.metadata?.namespace && ref.name === pvc.metadata?.name && (!ref.uid || ref.uid === pvc.metadata?.uid);
}

/** checkVolumeSatisfyClaim: why the volume cannot serve the claim, or undefined if it can. */
export function mismatch(pv: PersistentVolume, pvc: PersistentVolumeClaim): string | undefined {
  const request = pvc.spec?.resources?.requests?.storage ?? "0";
  const capacity = pv.spec?.capacity?.storage ?? "0";
  if (compareQuantity(capacity, request) < 0) return "requested PV is too small";
  if ((pv.spec?.storageClassName ?? "") !== (pvc.spec?.storageClassName ?? "")) return "storageClassName does not match";
  if ((pv.spec?.volumeMode ?? "Filesystem") !== (pvc.spec?.volumeMode ?? "Filesystem")) return "incompatible volumeMode";
  if (!(pvc.spec?.accessModes ?? []).every((m) => (pv.spec?.accessModes ?? []).includes(m))) return "incompatible accessMode";
  return undefined;
}

/** The claim's selector; an invalid one matches no volume. */
function claimSelector(pvc: PersistentVolumeClaim): LabelMatcher | undefined {
  if (!pvc.spec?.selector) return undefined;
  try {
    return selectorFromLabelSelector(pvc.spec.selector);
  } catch {
    return selectorFromLabelSelector(null);
  }
}

export function findMatchingVolume(pvc: PersistentVolumeClaim, volumes: PersistentVolume[]): PersistentVolume | undefined {
  const selector = claimSelector(pvc);
  let best: PersistentVolume | undefined;
  const better = (a: PersistentVolume, b: PersistentVolume) =>
    (a.spec?.accessModes?.length ?? 0) - (b.spec?.accessModes?.length ?? 0) ||
    compareQuantity(a.spec?.capacity?.storage ?? "0", b.spec?.capacity?.storage ?? "0") ||
    ((a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : 1);
  for (const pv of volumes) {
    if (pv.metadata?.deletionTimestamp || mismatch(pv, pvc)) continue;
    if (isBoundTo(pv, pvc)) return pv;
    if (pv.spec?.claimRef || pv.status?.phase !== "Available") continue;
    if (selector && !selector(pv.metadata?.labels)) continue;
    if (!best || better(pv, best) < 0) best = pv;
  }
  return best;
}
