/**
 * The Priority admission plugin: a new pod's spec.priority (and
 * preemptionPolicy) come from the PriorityClass it names, or from the
 * cluster's global default class, so the scheduler can order and preempt by
 * them. A pod naming a class that does not exist, or carrying a priority
 * that disagrees with its class, is refused with kube-apiserver's words.
 * On update the priority set at creation is kept.
 */
import type { KObject } from "../registry/types.js";
import type { AdmissionPlugin } from "./types.js";
import { admissionForbidden } from "./forbidden.js";

type PodSpec = { priorityClassName?: string; priority?: number | null; preemptionPolicy?: string | null };
type PriorityClass = KObject & { value?: number; globalDefault?: boolean; preemptionPolicy?: string };

const DEFAULT_PREEMPTION = "PreemptLowerPriority";

/** The global default class with the lowest value (as the plugin's getDefaultPriority), if any. */
function defaultClass(classes: PriorityClass[]): PriorityClass | undefined {
  return classes.filter((c) => c.globalDefault).sort((a, b) => (a.value ?? 0) - (b.value ?? 0))[0];
}

export const priority: AdmissionPlugin = {
  name: "Priority",
  admit(a, ctx) {
    if (a.resource !== "pods" || a.subresource) return;
    const spec = (a.object.spec ?? {}) as PodSpec;
    if (a.operation === "UPDATE") {
      const old = (a.oldObject?.spec ?? {}) as PodSpec;
      if (spec.priority == null && old.priority != null) spec.priority = old.priority;
      if (spec.preemptionPolicy == null && old.preemptionPolicy != null) spec.preemptionPolicy = old.preemptionPolicy;
      return;
    }
    if (a.operation !== "CREATE") return;
    const classes = ctx.priorityClasses() as PriorityClass[];
    let value = 0;
    let policy: string | undefined;
    if (!spec.priorityClassName) {
      const d = defaultClass(classes);
      if (d) {
        spec.priorityClassName = d.metadata.name;
        value = d.value ?? 0;
        policy = d.preemptionPolicy;
      }
    } else {
      const pc = classes.find((c) => c.metadata.name === spec.priorityClassName);
      if (!pc) throw admissionForbidden(a, `no PriorityClass with name ${spec.priorityClassName} was found`);
      value = pc.value ?? 0;
      policy = pc.preemptionPolicy;
    }
    if (spec.priority != null && spec.priority !== value) {
      throw admissionForbidden(a, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`);
    }
    spec.priority = value;
    policy ??= DEFAULT_PREEMPTION;
    if (spec.preemptionPolicy != null && spec.preemptionPolicy !== policy) {
      throw admissionForbidden(a, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
    }
    spec.preemptionPolicy = policy;
    a.object.spec = spec;
  },
};
