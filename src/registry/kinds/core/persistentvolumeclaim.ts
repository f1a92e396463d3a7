/** core/v1 PersistentVolumeClaim: a pod's request for storage, bound to a PersistentVolume. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import { accessModes, volumeModeColumn } from "./persistentvolume.js";
import type { KindDef, KObject } from "../../types.js";

type Spec = { volumeName?: string; accessModes?: string[]; storageClassName?: string; volumeMode?: string; volumeAttributesClassName?: string };
type Status = { phase?: string; capacity?: { storage?: string }; accessModes?: string[] };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;
const status = (o: KObject) => (o.status ?? {}) as Status;

export const persistentVolumeClaim: KindDef = {
  group: "",
  version: "v1",
  kind: "PersistentVolumeClaim",
  plural: "persistentvolumeclaims",
  singular: "persistentvolumeclaim",
  namespaced: true,
  shortNames: ["pvc"],
  schemaName: "io.k8s.api.core.v1.PersistentVolumeClaim",
  schema: definitions["io.k8s.api.core.v1.PersistentVolumeClaim"],
  columns: [
    nameColumn,
    { name: "Status", type: "string", description: "Phase of the claim.", cell: (o) => status(o).phase ?? "" },
    { name: "Volume", type: "string", description: "The volume bound to the claim.", cell: (o) => spec(o).volumeName ?? "" },
    { name: "Capacity", type: "string", description: "Capacity of the bound volume.", cell: (o) => status(o).capacity?.storage ?? "" },
    { name: "Access Modes", type: "string", description: "Access modes of the bound volume.", cell: (o) => accessModes(status(o).accessModes) },
    { name: "StorageClass", type: "string", description: "Storage class of the claim.", cell: (o) => spec(o).storageClassName ?? "" },
    { name: "VolumeAttributesClass", type: "string", description: "Volume attributes class.", cell: (o) => spec(o).volumeAttributesClassName ?? "<unset>" },
    ageColumn,
    volumeModeColumn,
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.volumeMode ??= "Filesystem";
    },
    prepareForCreate(o) {
      // DefaultStorageClass admission: an unset class (not "") means the default one.
      if (spec(o).storageClassName === undefined) spec(o).storageClassName = "standard";
      o.status = { phase: "Pending" };
    },
  },
  subresources: { status: true },
};
