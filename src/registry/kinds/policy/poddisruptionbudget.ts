/** policy/v1 PodDisruptionBudget: how many of a set of pods voluntary disruptions (evictions, drains) must leave. */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Spec = { minAvailable?: number | string; maxUnavailable?: number | string };
type Status = { disruptionsAllowed?: number };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;
const intOrPercent = (v: number | string | undefined) => (v === undefined ? "N/A" : String(v));

function validIntOrPercent(field: string, v: number | string | undefined, errs: FieldError[]): void {
  if (v === undefined) return;
  if (typeof v === "number") {
    if (v < 0) errs.push(fieldErrors.invalid(field, v, "must be greater than or equal to 0"));
    return;
  }
  const m = /^(\d+)%$/.exec(v);
  if (!m) errs.push(fieldErrors.invalid(field, v, "must be an integer or percentage (e.g '5%')"));
  else if (Number(m[1]) > 100) errs.push(fieldErrors.invalid(field, v, "must not be greater than 100%"));
}

export const podDisruptionBudget: KindDef = {
  group: "policy",
  version: "v1",
  kind: "PodDisruptionBudget",
  plural: "poddisruptionbudgets",
  singular: "poddisruptionbudget",
  namespaced: true,
  shortNames: ["pdb"],
  schemaName: "io.k8s.api.policy.v1.PodDisruptionBudget",
  schema: definitions["io.k8s.api.policy.v1.PodDisruptionBudget"],
  columns: [
    nameColumn,
    { name: "Min Available", type: "string", description: "The minimum number of pods that must be available.", cell: (o) => intOrPercent(spec(o).minAvailable) },
    { name: "Max Unavailable", type: "string", description: "The maximum number of pods that may be unavailable.", cell: (o) => intOrPercent(spec(o).maxUnavailable) },
    { name: "Allowed Disruptions", type: "integer", description: "Number of pod disruptions that are currently allowed.", cell: (o) => ((o.status ?? {}) as Status).disruptionsAllowed ?? 0 },
    ageColumn,
  ],
  strategy: {
    validate(o) {
      const s = spec(o);
      const errs: FieldError[] = [];
      if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) errs.push(fieldErrors.invalid("spec", s, "minAvailable and maxUnavailable cannot be both set"));
      validIntOrPercent("spec.minAvailable", s.minAvailable, errs);
      validIntOrPercent("spec.maxUnavailable", s.maxUnavailable, errs);
      return errs;
    },
  },
  subresources: { status: true },
};
