/**
 * The PersistentVolume binder (the PV controller's static binding and
 * reclaim): a Pending claim is bound to the best matching volume — the
 * volume's claimRef and Bound phase first, then the claim's volumeName,
 * bind-completed / bound-by-controller annotations and Bound status with the
 * volume's capacity and access modes — each step compared before written,
 * so an interrupted binding completes on the next pass. A volume whose claim
 * is gone turns Released, then its reclaim policy applies: Delete deletes
 * it, Retain leaves it Released, Recycle makes it Available again.
 *
 * Keys: a claim's namespace/name, or a volume's name with namespace ""
 * (claims are always namespaced, so the two never collide).
 */
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1";
import { deepEqual } from "../../apimachinery/objects.js";
import type { KObject } from "../../registry/types.js";
import type { Controller, KeyMapper, ObjectKey, ReconcileContext } from "../types.js";
import { findMatchingVolume, isBoundTo, mismatch } from "./match.js";
import { DEFAULT_STORAGE_CLASS, provisionVolume } from "./provision.js";

const PVS = "persistentvolumes";
const PVCS = "persistentvolumeclaims";
const ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
const ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";

const asPV = (o: KObject) => o as unknown as PersistentVolume;
const asPVC = (o: KObject) => o as unknown as PersistentVolumeClaim;
const toObject = (o: PersistentVolume | PersistentVolumeClaim) => o as unknown as KObject;

async function setPhase<T extends PersistentVolume | PersistentVolumeClaim>(resource: string, o: T, phase: string, ctx: ReconcileContext, extra: object = {}): Promise<T> {
  const status = { ...o.status, phase, ...extra };
  if (deepEqual(status, o.status)) return o;
  return (await ctx.client.updateStatus(resource, toObject({ ...o, status } as T))) as unknown as T;
}

/** A PV change: the volume itself, the claim it names, and, once it is free, the claims waiting for one. */
const volumeKeys: KeyMapper = (o, lister) => {
  const pv = asPV(o);
  const keys: ObjectKey[] = [{ namespace: "", name: o.metadata.name ?? "" }];
  const ref = pv.spec?.claimRef;
  if (ref) keys.push({ namespace: ref.namespace ?? "", name: ref.name ?? "" });
  else if (pv.status?.phase === "Available") {
    for (const c of lister.list(PVCS)) {
      if (!asPVC(c).spec?.volumeName && asPVC(c).status?.phase === "Pending") keys.push({ namespace: c.metadata.namespace ?? "", name: c.metadata.name ?? "" });
    }
  }
  return keys;
};

/** Every step of binding, each written only if not already so. */
async function bind(pvIn: PersistentVolume, pvcIn: PersistentVolumeClaim, ctx: ReconcileContext): Promise<void> {
  let pv = pvIn;
  let pvc = pvcIn;
  const ref = pv.spec?.claimRef;
  if (!ref?.uid || !isBoundTo(pv, pvc)) {
    const annotations = isBoundTo(pv, pvc) ? pv.metadata?.annotations : { ...pv.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: "yes" };
    const claimRef = { kind: "PersistentVolumeClaim", apiVersion: "v1", namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid: pvc.metadata?.uid };
    pv = asPV(await ctx.client.update(PVS, toObject({ ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef } })));
  }
  pv = await setPhase(PVS, pv, "Bound", ctx);

  const volumeName = pv.metadata?.name ?? "";
  const annotations: Record<string, string> = { ...pvc.metadata?.annotations, [ANN_BIND_COMPLETED]: "yes" };
  if (pvc.spec?.volumeName !== volumeName) annotations[ANN_BOUND_BY_CONTROLLER] = "yes";
  if (pvc.spec?.volumeName !== volumeName || !deepEqual(annotations, pvc.metadata?.annotations)) {
    pvc = asPVC(await ctx.client.update(PVCS, toObject({ ...pvc, metadata: { ...pvc.metadata, annotations }, spec: { ...pvc.spec, volumeName } })));
  }
  await setPhase(PVCS, pvc, "Bound", ctx, { accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity });
}

async function lose(pvc: PersistentVolumeClaim, reason: string, message: string, ctx: ReconcileContext): Promise<void> {
  if (pvc.status?.phase === "Lost") return;
  const lost = await setPhase(PVCS, pvc, "Lost", ctx);
  ctx.recorder.event(toObject(lost), "Warning", reason, message);
}

/** syncUnboundClaim / syncBoundClaim. */
async function syncClaim(pvc: PersistentVolumeClaim, ctx: ReconcileContext): Promise<void> {
  if (pvc.metadata?.deletionTimestamp) return;
  const name = pvc.spec?.volumeName;
  const volume = name ? ctx.lister.get(PVS, "", name) : undefined;
  const pv = volume && asPV(volume);

  if (pvc.metadata?.annotations?.[ANN_BIND_COMPLETED] === undefined) {
    if (!name) {
      const match = findMatchingVolume(pvc, ctx.lister.list(PVS).map(asPV));
      if (match) return bind(match, pvc, ctx);
      const cls = pvc.spec?.storageClassName;
      if (cls === DEFAULT_STORAGE_CLASS) return provisionVolume(pvc, ctx);
      if (cls) ctx.recorder.event(toObject(pvc), "Warning", "ProvisioningFailed", `storageclass.storage.k8s.io "${cls}" not found`);
      else ctx.recorder.event(toObject(pvc), "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set");
      return;
    }
    // Pre-bound by its author to a volume: wait for it, then check it.
    if (!pv) return;
    if (pv.spec?.claimRef && !isBoundTo(pv, pvc)) {
      ctx.recorder.event(toObject(pvc), "Warning", "FailedBinding", `volume "${name}" already bound to a different claim.`);
      return;
    }
    const why = mismatch(pv, pvc);
    if (why) ctx.recorder.event(toObject(pvc), "Warning", "VolumeMismatch", `Cannot bind to requested volume "${name}": ${why}`);
    else await bind(pv, pvc, ctx);
    return;
  }

  if (!name) return lose(pvc, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!", ctx);
  if (!pv) return lose(pvc, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!", ctx);
  if (pv.spec?.claimRef && !isBoundTo(pv, pvc)) return lose(pvc, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly", ctx);
  await bind(pv, pvc, ctx);
}

/** syncVolume: phase from the claim it names, and the reclaim policy once that claim is gone. */
async function syncVolume(pvIn: PersistentVolume, ctx: ReconcileContext): Promise<void> {
  let pv = pvIn;
  if (pv.metadata?.deletionTimestamp) return;
  const ref = pv.spec?.claimRef;
  // Unclaimed, or reserved by its author for a claim not yet bound.
  if (!ref?.uid) {
    await setPhase(PVS, pv, "Available", ctx);
    return;
  }
  const claim = ctx.lister.get(PVCS, ref.namespace ?? "", ref.name ?? "");
  if (claim && claim.metadata.uid === ref.uid) {
    const volumeName = asPVC(claim).spec?.volumeName;
    if (volumeName === pv.metadata?.name) await setPhase(PVS, pv, "Bound", ctx);
    // Its claim went to another volume: free this one.
    else if (volumeName) await unbind(pv, ctx);
    return;
  }
  pv = await setPhase(PVS, pv, "Released", ctx);
  switch (pv.spec?.persistentVolumeReclaimPolicy ?? "Retain") {
    case "Retain":
      return;
    case "Delete":
      await ctx.client.delete(PVS, "", pv.metadata?.name ?? "");
      return;
    case "Recycle":
      ctx.recorder.event(toObject(pv), "Normal", "VolumeRecycled", "Volume recycled");
      await unbind(pv, ctx);
      return;
    default:
      ctx.recorder.event(toObject(pv), "Warning", "VolumeUnknownReclaimPolicy", "Volume has unrecognized PersistentVolumeReclaimPolicy");
  }
}

/** unbindVolume: the volume forgets its claim and is Available again. */
async function unbind(pv: PersistentVolume, ctx: ReconcileContext): Promise<void> {
  const { [ANN_BOUND_BY_CONTROLLER]: _, ...annotations } = pv.metadata?.annotations ?? {};
  const { claimRef: __, ...spec } = pv.spec ?? {};
  const freed = asPV(await ctx.client.update(PVS, toObject({ ...pv, metadata: { ...pv.metadata, annotations }, spec })));
  await setPhase(PVS, freed, "Available", ctx);
}

export const pvBinderController: Controller = {
  name: "pvbinder",
  component: "persistentvolume-controller",
  primary: PVCS,
  watches: [{ resource: PVS, map: volumeKeys }],
  async reconcile(key, ctx) {
    if (!key.namespace) {
      const pv = ctx.lister.get(PVS, "", key.name);
      if (pv) await syncVolume(asPV(pv), ctx);
      return;
    }
    const claim = ctx.lister.get(PVCS, key.namespace, key.name);
    if (claim) return syncClaim(asPVC(claim), ctx);
    // The claim is gone: release the volumes that were bound to it.
    for (const pv of ctx.lister.list(PVS)) {
      const ref = asPV(pv).spec?.claimRef;
      if (ref?.namespace === key.namespace && ref.name === key.name) await syncVolume(asPV(pv), ctx);
    }
  },
};
