/** core/v1 ConfigMap: configuration handed to pods as env or files. */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

type CM = { data?: Record<string, string>; binaryData?: Record<string, string>; immutable?: boolean };

export const configMap: KindDef = {
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  singular: "configmap",
  namespaced: true,
  shortNames: ["cm"],
  schemaName: "io.k8s.api.core.v1.ConfigMap",
  schema: definitions["io.k8s.api.core.v1.ConfigMap"],
  columns: [
    nameColumn,
    { name: "Data", type: "integer", description: "Number of data entries.", cell: (o) => Object.keys((o as CM).data ?? {}).length + Object.keys((o as CM).binaryData ?? {}).length },
    ageColumn,
  ],
  strategy: {
    validate(o) {
      const c = o as CM;
      const dup = Object.keys(c.data ?? {}).filter((k) => k in (c.binaryData ?? {}));
      return dup.map((k) => fieldErrors.invalid(`data[${k}]`, k, "duplicate of key present in binaryData"));
    },
    validateUpdate(o, old) {
      const a = o as CM;
      const b = old as CM;
      if (!b.immutable) return [];
      const errs = [];
      if (!a.immutable) errs.push(fieldErrors.forbidden("immutable", "field is immutable when `immutable` is set"));
      if (!deepEqual(a.data, b.data) || !deepEqual(a.binaryData, b.binaryData)) errs.push(fieldErrors.forbidden("data", "field is immutable when `immutable` is set"));
      return errs;
    },
  },
};
