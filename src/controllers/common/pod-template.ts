/**
 * A pod from a workload's pod template (controller.GetPodFromTemplate): the
 * template's labels, annotations, finalizers and spec, generateName from the
 * owner's name, the owner's namespace and the controllerRef.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { KObject, OwnerReference } from "../../registry/types.js";
import { nameIsDNSSubdomain } from "../../apimachinery/validation.js";
import type { Pod } from "./pods.js";

/** getPodsPrefix: "<owner>-", or the bare name when the dash would make an invalid pod name prefix. */
export function podNamePrefix(ownerName: string): string {
  const prefix = `${ownerName}-`;
  return nameIsDNSSubdomain(prefix, true).length ? ownerName : prefix;
}

/** generateName: the owner's prefix unless the controller names its pods itself (an Indexed Job's "<job>-<index>-"). */
export function podFromTemplate(template: PodTemplateSpec, owner: KObject, ref: OwnerReference, generateName = podNamePrefix(owner.metadata.name ?? "")): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { generateName, namespace: owner.metadata.namespace, labels: { ...meta.labels }, ownerReferences: [ref] },
    spec: structuredClone(template.spec),
  };
  if (meta.annotations && Object.keys(meta.annotations).length) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers?.length) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}
