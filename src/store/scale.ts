/**
 * The /scale subresource: an autoscaling/v1 Scale view of any kind that
 * declares where its replicas live (KindDef.subresources.scale).
 */
import { getPath, setPath } from "../apimachinery/objects.js";
import { errors } from "../apimachinery/status.js";
import { formatLabelSelector, specSelector } from "../apimachinery/selectors/labels.js";
import type { KindDef, KObject } from "../registry/types.js";

export interface Scale {
  kind: "Scale";
  apiVersion: "autoscaling/v1";
  metadata: Record<string, unknown>;
  spec: { replicas: number };
  status: { replicas: number; selector?: string };
}

export function scaleOf(kind: KindDef, o: KObject): Scale {
  const def = kind.subresources!.scale!;
  const sel = specSelector(o);
  const m = o.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(o, def.specReplicasPath) ?? 0) },
    status: { replicas: Number(getPath(o, def.statusReplicasPath) ?? 0), ...(sel ? { selector: formatLabelSelector(sel) } : {}) },
  };
}

/** Write a (possibly patched) Scale back into its parent object. */
export function applyScale(kind: KindDef, o: KObject, scale: Record<string, unknown>): KObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid("Scale", "autoscaling", o.metadata.name ?? "", [{ reason: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  setPath(o as unknown as Record<string, unknown>, kind.subresources!.scale!.specReplicasPath, replicas);
  return o;
}
