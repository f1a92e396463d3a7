/**
 * core/v1 ResourceQuota: hard limits on what a namespace may hold. The
 * ResourceQuota admission plugin enforces them and charges status.used; the
 * resourcequota controller recomputes status as a backstop.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { tryParseQuantity } from "../../../apimachinery/quantity.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type RL = Record<string, string>;
const spec = (o: KObject) => (o.spec ?? {}) as { hard?: RL };
const status = (o: KObject) => (o.status ?? {}) as { hard?: RL; used?: RL };

/** kubectl's REQUEST / LIMIT cells: "pods: 1/2, requests.cpu: 0/1". */
function usageCell(o: KObject, limits: boolean): string {
  const hard = status(o).hard ?? {};
  const used = status(o).used ?? {};
  return Object.keys(hard)
    .filter((k) => k.startsWith("limits.") === limits)
    .sort()
    .map((k) => `${k}: ${used[k] ?? "0"}/${hard[k]}`)
    .join(", ");
}

export const resourceQuota: KindDef = {
  group: "",
  version: "v1",
  kind: "ResourceQuota",
  plural: "resourcequotas",
  singular: "resourcequota",
  namespaced: true,
  shortNames: ["quota"],
  schemaName: "io.k8s.api.core.v1.ResourceQuota",
  schema: definitions["io.k8s.api.core.v1.ResourceQuota"],
  columns: [
    nameColumn,
    ageColumn,
    { name: "Request", type: "string", description: "Requested resources (used/hard)", cell: (o) => usageCell(o, false) },
    { name: "Limit", type: "string", description: "Limited resources (used/hard)", cell: (o) => usageCell(o, true) },
  ],
  strategy: {
    validate(o) {
      const errs: FieldError[] = [];
      for (const [k, v] of Object.entries(spec(o).hard ?? {})) {
        const x = tryParseQuantity(v);
        if (!x) errs.push(fieldErrors.invalid(`spec.hard[${k}]`, v, "must be a valid quantity"));
        else if (x.nano < 0n) errs.push(fieldErrors.invalid(`spec.hard[${k}]`, v, "must be greater than or equal to 0"));
      }
      return errs;
    },
  },
  subresources: { status: true },
};
