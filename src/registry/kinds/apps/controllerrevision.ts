/**
 * apps/v1 ControllerRevision: one recorded pod template of a StatefulSet or
 * DaemonSet (controllers/common/history.ts writes them), which `kubectl
 * rollout history` lists and `kubectl rollout undo` patches back. Its data
 * never changes; only the revision number moves (a rollback renumbers the
 * revision it returns to).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

const revisionOf = (o: KObject) => (o as { revision?: number }).revision ?? 0;

export const controllerRevision: KindDef = {
  group: "apps",
  version: "v1",
  kind: "ControllerRevision",
  plural: "controllerrevisions",
  singular: "controllerrevision",
  namespaced: true,
  schemaName: "io.k8s.api.apps.v1.ControllerRevision",
  schema: definitions["io.k8s.api.apps.v1.ControllerRevision"],
  columns: [
    nameColumn,
    {
      name: "Controller",
      type: "string",
      description: "The controller that owns this revision.",
      cell: (o) => {
        const ref = o.metadata.ownerReferences?.find((r) => r.controller);
        if (!ref) return "<none>";
        const group = ref.apiVersion.includes("/") ? ref.apiVersion.split("/")[0] : "";
        return `${ref.kind.toLowerCase()}${group ? `.${group}` : ""}/${ref.name}`;
      },
    },
    { name: "Revision", type: "integer", description: "The revision number.", cell: (o) => revisionOf(o) },
    ageColumn,
  ],
  strategy: {
    validate(o) {
      const errs: FieldError[] = [];
      const r = (o as { revision?: unknown }).revision;
      if (typeof r !== "number" || r < 0) errs.push(fieldErrors.invalid("revision", r, "must be greater than or equal to 0"));
      return errs;
    },
    validateUpdate(o, old) {
      return deepEqual(o.data, old.data) ? [] : [fieldErrors.invalid("data", "", "field is immutable")];
    },
  },
};
