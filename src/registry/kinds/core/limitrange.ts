/** core/v1 LimitRange: per-namespace default requests/limits and bounds, applied by the LimitRanger admission plugin. */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { compareQuantity, tryParseQuantity } from "../../../apimachinery/quantity.js";
import { nameColumn } from "../../columns.js";
import { defaultLimitRangeItems, type LimitRangeItem } from "../../../admission/limitranger.js";
import type { KindDef } from "../../types.js";

type Spec = { limits?: LimitRangeItem[] };
const TYPES = ["Container", "Pod", "PersistentVolumeClaim"];
const FIELDS = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const;

export const limitRange: KindDef = {
  group: "",
  version: "v1",
  kind: "LimitRange",
  plural: "limitranges",
  singular: "limitrange",
  namespaced: true,
  shortNames: ["limits"],
  schemaName: "io.k8s.api.core.v1.LimitRange",
  schema: definitions["io.k8s.api.core.v1.LimitRange"],
  columns: [nameColumn, { name: "Created At", type: "date", description: "CreationTimestamp of the LimitRange", cell: (o) => o.metadata.creationTimestamp ?? "" }],
  strategy: {
    defaults(o) {
      defaultLimitRangeItems(((o.spec ?? {}) as Spec).limits ?? []);
    },
    validate(o) {
      const errs: FieldError[] = [];
      ((o.spec ?? {}) as Spec).limits?.forEach((item, i) => {
        const at = `spec.limits[${i}]`;
        if (!TYPES.includes(item.type ?? "")) errs.push(fieldErrors.notSupported(`${at}.type`, item.type ?? "", TYPES));
        for (const f of FIELDS) {
          for (const [k, v] of Object.entries(item[f] ?? {})) {
            if (!tryParseQuantity(v)) errs.push(fieldErrors.invalid(`${at}.${f}[${k}]`, v, "must be a valid quantity"));
          }
        }
        for (const [k, v] of Object.entries(item.min ?? {})) {
          const max = item.max?.[k];
          if (max !== undefined && tryParseQuantity(v) && tryParseQuantity(max) && compareQuantity(v, max) > 0) {
            errs.push(fieldErrors.invalid(`${at}.min[${k}]`, v, `min value ${v} is greater than max value ${max}`));
          }
        }
      });
      return errs;
    },
  },
};
