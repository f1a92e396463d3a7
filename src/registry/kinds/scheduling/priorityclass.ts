/** scheduling.k8s.io/v1 PriorityClass: a named pod priority (value immutable; at most one global default). */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type PC = { value?: number; globalDefault?: boolean; preemptionPolicy?: string };
const pc = (o: KObject) => o as unknown as PC;
/** Values above this are reserved for the system classes (system-cluster-critical, system-node-critical). */
const HIGHEST_USER_DEFINABLE = 1_000_000_000;
const POLICIES = ["PreemptLowerPriority", "Never"];

/** The classes every Kubernetes cluster has (scheduling/v1's SystemPriorityClasses); the cluster store creates them at bootstrap. */
const SYSTEM_PRIORITY_CLASSES: KObject[] = [
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "system-node-critical" }, value: 2000001000, description: "Used for system critical pods that must not be moved from their current node." },
  { apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "system-cluster-critical" }, value: 2000000000, description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary." },
];

export const priorityClass: KindDef = {
  group: "scheduling.k8s.io",
  version: "v1",
  kind: "PriorityClass",
  plural: "priorityclasses",
  singular: "priorityclass",
  namespaced: false,
  shortNames: ["pc"],
  bootstrap: SYSTEM_PRIORITY_CLASSES,
  schemaName: "io.k8s.api.scheduling.v1.PriorityClass",
  schema: definitions["io.k8s.api.scheduling.v1.PriorityClass"],
  columns: [
    nameColumn,
    { name: "Value", type: "integer", description: "The value of this priority class.", cell: (o) => pc(o).value ?? 0 },
    { name: "Global-Default", type: "boolean", description: "Whether this class is the default for pods without one.", cell: (o) => pc(o).globalDefault ?? false },
    ageColumn,
    { name: "PreemptionPolicy", type: "string", description: "The policy for preempting pods with lower priority.", cell: (o) => pc(o).preemptionPolicy ?? "" },
  ],
  strategy: {
    defaults(o) {
      pc(o).preemptionPolicy ??= "PreemptLowerPriority";
    },
    validate(o) {
      const errs: FieldError[] = [];
      const p = pc(o);
      const system = (o.metadata.name ?? "").startsWith("system-");
      if (!system && (p.value ?? 0) > HIGHEST_USER_DEFINABLE) errs.push(fieldErrors.forbidden("value", `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE}`));
      if (p.preemptionPolicy && !POLICIES.includes(p.preemptionPolicy)) errs.push(fieldErrors.notSupported("preemptionPolicy", p.preemptionPolicy, POLICIES));
      return errs;
    },
    validateUpdate(o, old) {
      const errs: FieldError[] = [];
      if (pc(o).value !== pc(old).value) errs.push(fieldErrors.forbidden("value", "may not be changed in an update."));
      if (pc(o).preemptionPolicy !== pc(old).preemptionPolicy) errs.push(fieldErrors.invalid("preemptionPolicy", pc(o).preemptionPolicy, "field is immutable"));
      return errs;
    },
  },
};
