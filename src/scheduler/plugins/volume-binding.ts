/**
 * VolumeBinding, reduced to claims that are already bound: every
 * PersistentVolumeClaim the pod mounts must exist and be bound, and the node
 * must satisfy each bound PersistentVolume's spec.nodeAffinity (local and
 * zonal volumes). Unbound claims are not provisioned or matched to volumes
 * here: the pod waits, as for an unbound Immediate claim.
 */
import type { PersistentVolume, PersistentVolumeClaimSpec } from "kubernetes-types/core/v1";
import type { FilterPlugin } from "../framework.js";
import { compileNodeSelector, type NodeMatcher } from "../node-selector.js";

const NODE_CONFLICT = ["node(s) had volume node affinity conflict"];
const PV_NOT_EXIST = ["node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"];

export const volumeBinding: FilterPlugin = {
  name: "VolumeBinding",
  preFilter({ pod, lookup }) {
    const claims = (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
    if (claims.length === 0) return {};
    // Per bound claim: its volume's node affinity, null when it has none, "missing" when the volume does not exist.
    const volumes: (NodeMatcher | null | "missing")[] = [];
    let unbound = false;
    for (const name of claims) {
      const pvc = lookup.persistentVolumeClaim(pod.namespace, name);
      if (!pvc) return { reject: `persistentvolumeclaim "${name}" not found` };
      if (pvc.metadata.deletionTimestamp) return { reject: `persistentvolumeclaim "${name}" is being deleted` };
      const volumeName = (pvc.spec as PersistentVolumeClaimSpec | undefined)?.volumeName;
      if (!volumeName) {
        unbound = true;
        continue;
      }
      const pv = lookup.persistentVolume(volumeName) as PersistentVolume | undefined;
      const required = pv?.spec?.nodeAffinity?.required;
      volumes.push(!pv ? "missing" : required ? compileNodeSelector(required) : null);
    }
    if (unbound) return { reject: "pod has unbound immediate PersistentVolumeClaims" };
    return {
      filter(node) {
        for (const v of volumes) {
          if (v === "missing") return PV_NOT_EXIST;
          if (v && !v(node.labels)) return NODE_CONFLICT;
        }
        return undefined;
      },
    };
  },
};
