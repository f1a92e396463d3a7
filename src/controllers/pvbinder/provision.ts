/**
 * Dynamic provisioning for the built-in "standard" storage class (what kind
 * and minikube give a fresh cluster): a claim of that class with no matching
 * volume gets a hostPath volume on the node that will mount it, created
 * pre-bound to the claim; the binder then completes the binding.
 */
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { KObject } from "../../registry/types.js";
import type { ReconcileContext } from "../types.js";
import { isAlreadyExists } from "../common/errors.js";

export const DEFAULT_STORAGE_CLASS = "standard";
export const PROVISIONER = "edgeplane.dev/hostpath";
/** Where agents keep provisioned volumes on their host. */
export const VOLUME_ROOT = "/var/lib/edgeplane/volumes";

export async function provisionVolume(pvc: PersistentVolumeClaim, ctx: ReconcileContext): Promise<void> {
  const uid = pvc.metadata?.uid ?? "";
  const name = `pvc-${uid}`;
  if (ctx.lister.get("persistentvolumes", "", name)) return;
  const pv: KObject = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, annotations: { "pv.kubernetes.io/provisioned-by": PROVISIONER } },
    spec: {
      capacity: { storage: pvc.spec?.resources?.requests?.storage ?? "1Gi" },
      accessModes: pvc.spec?.accessModes ?? ["ReadWriteOnce"],
      persistentVolumeReclaimPolicy: "Delete",
      storageClassName: DEFAULT_STORAGE_CLASS,
      volumeMode: pvc.spec?.volumeMode ?? "Filesystem",
      hostPath: { path: `${VOLUME_ROOT}/${name}`, type: "DirectoryOrCreate" },
      claimRef: { kind: "PersistentVolumeClaim", apiVersion: "v1", namespace: pvc.metadata?.namespace, name: pvc.metadata?.name, uid },
    },
  };
  try {
    await ctx.client.create("persistentvolumes", pv);
    ctx.recorder.event(pvc as unknown as KObject, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${name}`);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
  }
}
