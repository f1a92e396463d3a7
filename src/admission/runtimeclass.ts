/**
 * The RuntimeClass admission plugin: a new pod naming a RuntimeClass takes
 * the class's pod overhead (spec.overhead, which the scheduler and quota
 * count on top of the containers' requests) and its scheduling (nodeSelector
 * merged in, tolerations added), so it lands on nodes that have the runtime.
 * A class that does not exist, an overhead that disagrees with the class's,
 * or a nodeSelector that contradicts it is refused with kube-apiserver's
 * words, as is an overhead set without a class that defines one.
 */
import type { Toleration } from "kubernetes-types/core/v1";
import { deepEqual } from "../apimachinery/objects.js";
import type { KObject } from "../registry/types.js";
import type { AdmissionPlugin, Attributes } from "./types.js";
import { admissionForbidden } from "./forbidden.js";

type PodSpec = { runtimeClassName?: string; overhead?: Record<string, string>; nodeSelector?: Record<string, string>; tolerations?: Toleration[] };
type RuntimeClass = KObject & { overhead?: { podFixed?: Record<string, string> }; scheduling?: { nodeSelector?: Record<string, string>; tolerations?: Toleration[] } };

const podSpec = (a: Attributes) => (a.object.spec ?? {}) as PodSpec;
const classOf = (a: Attributes, runtimeClasses: KObject[]) => {
  const name = podSpec(a).runtimeClassName;
  return name ? (runtimeClasses.find((c) => c.metadata.name === name) as RuntimeClass | undefined) : undefined;
};
const creating = (a: Attributes) => a.resource === "pods" && !a.subresource && a.operation === "CREATE";

/** Whether a toleration is already covered by one in the list (same key, operator, value and effect). */
const covered = (list: Toleration[], t: Toleration) => list.some((x) => (x.key ?? "") === (t.key ?? "") && (x.operator ?? "Equal") === (t.operator ?? "Equal") && (x.value ?? "") === (t.value ?? "") && (x.effect ?? "") === (t.effect ?? ""));

export const runtimeClass: AdmissionPlugin = {
  name: "RuntimeClass",
  admit(a, ctx) {
    if (!creating(a)) return;
    const spec = podSpec(a);
    if (!spec.runtimeClassName) return;
    const rc = classOf(a, ctx.runtimeClasses());
    if (!rc) throw admissionForbidden(a, `pod rejected: RuntimeClass "${spec.runtimeClassName}" not found`);
    const fixed = rc.overhead?.podFixed;
    if (fixed) {
      if (spec.overhead && !deepEqual(spec.overhead, fixed)) throw admissionForbidden(a, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
      spec.overhead = { ...fixed };
    }
    const sched = rc.scheduling;
    if (sched?.nodeSelector) {
      const merged = { ...(spec.nodeSelector ?? {}) };
      for (const [k, v] of Object.entries(sched.nodeSelector)) {
        if (k in merged && merged[k] !== v) throw admissionForbidden(a, `conflict: runtimeClass.scheduling.nodeSelector[${k}] = ${v}; pod.spec.nodeSelector[${k}] = ${merged[k]}`);
        merged[k] = v;
      }
      spec.nodeSelector = merged;
    }
    if (sched?.tolerations?.length) {
      const list = [...(spec.tolerations ?? [])];
      for (const t of sched.tolerations) if (!covered(list, t)) list.push(t);
      spec.tolerations = list;
    }
    a.object.spec = spec;
  },
  validate(a, ctx) {
    if (!creating(a)) return;
    const spec = podSpec(a);
    const fixed = classOf(a, ctx.runtimeClasses())?.overhead?.podFixed;
    if (spec.overhead && !fixed) throw admissionForbidden(a, "pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead");
    if (spec.overhead && fixed && !deepEqual(spec.overhead, fixed)) throw admissionForbidden(a, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
  },
};
