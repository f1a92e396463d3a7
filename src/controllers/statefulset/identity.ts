/**
 * A StatefulSet pod's stable identity: its name `${set}-${ordinal}`, the
 * labels naming it, its hostname in the governing service, and its own
 * claims `${template}-${set}-${ordinal}` mounted in place of the template's
 * volumes of the same name.
 */
import type { PersistentVolumeClaim, PodTemplateSpec, Volume } from "kubernetes-types/core/v1";
import type { StatefulSetSpec, StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { KObject } from "../../registry/types.js";
import { controllerRef } from "../common/owner-refs.js";
import { podFromTemplate } from "../common/pod-template.js";
import type { Pod } from "../common/pods.js";

export type StatefulSetObject = KObject & { spec: StatefulSetSpec; status?: StatefulSetStatus };

const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
export const REVISION_LABEL = "controller-revision-hash";

/** The ordinal in a pod's name when it is one of this set's, else -1 (getParentNameAndOrdinal). */
export function ordinalOf(set: KObject, pod: KObject): number {
  const m = /^(.*)-(\d+)$/.exec(pod.metadata.name ?? "");
  return m && m[1] === set.metadata.name ? Number(m[2]) : -1;
}

export const claimName = (template: PersistentVolumeClaim, set: KObject, ordinal: number) => `${template.metadata?.name}-${set.metadata.name}-${ordinal}`;

/** newStatefulSetPod + setPodRevision: the pod of `ordinal` from `template`, at `revision`. */
export function statefulPod(set: StatefulSetObject, template: PodTemplateSpec, ordinal: number, revision: string): Pod {
  const pod = podFromTemplate(template, set, controllerRef(set));
  const name = `${set.metadata.name}-${ordinal}`;
  pod.metadata.name = name;
  pod.metadata.labels = { ...pod.metadata.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision };
  const spec = pod.spec!;
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  const templates = set.spec.volumeClaimTemplates ?? [];
  const claimVolumes: Volume[] = templates.map((t) => ({ name: t.metadata?.name ?? "", persistentVolumeClaim: { claimName: claimName(t, set, ordinal) } }));
  const others = (spec.volumes ?? []).filter((v) => !templates.some((t) => t.metadata?.name === v.name));
  if (claimVolumes.length || others.length) spec.volumes = [...claimVolumes, ...others];
  return pod;
}

/**
 * The template a running pod was made from, for recreating a sibling at the
 * same (older) revision: without ControllerRevision objects, the pods of a
 * revision are its record. Identity is re-applied by statefulPod.
 */
export function templateOf(pod: Pod): PodTemplateSpec {
  const { nodeName: _node, ...spec } = structuredClone(pod.spec!);
  return { metadata: { labels: pod.metadata.labels, annotations: pod.metadata.annotations }, spec };
}
