/** storage.k8s.io/v1 StorageClass: a class of volumes (provisioner and its parameters are immutable). */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { ageColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type SC = { provisioner?: string; parameters?: Record<string, string>; reclaimPolicy?: string; volumeBindingMode?: string; allowVolumeExpansion?: boolean };
const sc = (o: KObject) => o as unknown as SC;
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
const RECLAIM = ["Delete", "Retain"];
const BINDING = ["Immediate", "WaitForFirstConsumer"];

export const storageClass: KindDef = {
  group: "storage.k8s.io",
  version: "v1",
  kind: "StorageClass",
  plural: "storageclasses",
  singular: "storageclass",
  namespaced: false,
  shortNames: ["sc"],
  schemaName: "io.k8s.api.storage.v1.StorageClass",
  schema: definitions["io.k8s.api.storage.v1.StorageClass"],
  columns: [
    {
      name: "Name",
      type: "string",
      format: "name",
      description: "Name of the StorageClass; (default) marks the default class.",
      cell: (o) => `${o.metadata.name ?? ""}${o.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true" ? " (default)" : ""}`,
    },
    { name: "Provisioner", type: "string", description: "The provisioner of volumes of this class.", cell: (o) => sc(o).provisioner ?? "" },
    { name: "ReclaimPolicy", type: "string", description: "What happens to a volume when its claim is deleted.", cell: (o) => sc(o).reclaimPolicy ?? "" },
    { name: "VolumeBindingMode", type: "string", description: "When volumes are bound and provisioned.", cell: (o) => sc(o).volumeBindingMode ?? "" },
    { name: "AllowVolumeExpansion", type: "boolean", description: "Whether volumes of this class may be expanded.", cell: (o) => sc(o).allowVolumeExpansion ?? false },
    ageColumn,
  ],
  strategy: {
    defaults(o) {
      sc(o).reclaimPolicy ??= "Delete";
      sc(o).volumeBindingMode ??= "Immediate";
    },
    validate(o) {
      const errs: FieldError[] = [];
      const s = sc(o);
      if (!s.provisioner) errs.push(fieldErrors.required("provisioner"));
      if (s.reclaimPolicy && !RECLAIM.includes(s.reclaimPolicy)) errs.push(fieldErrors.notSupported("reclaimPolicy", s.reclaimPolicy, RECLAIM));
      if (s.volumeBindingMode && !BINDING.includes(s.volumeBindingMode)) errs.push(fieldErrors.notSupported("volumeBindingMode", s.volumeBindingMode, BINDING));
      return errs;
    },
    validateUpdate(o, old) {
      const errs: FieldError[] = [];
      if (sc(o).provisioner !== sc(old).provisioner) errs.push(fieldErrors.forbidden("provisioner", "updates to provisioner are forbidden."));
      if (!deepEqual(sc(o).parameters ?? {}, sc(old).parameters ?? {})) errs.push(fieldErrors.forbidden("parameters", "updates to parameters are forbidden."));
      if (sc(o).reclaimPolicy !== sc(old).reclaimPolicy) errs.push(fieldErrors.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
      return errs;
    },
  },
};
