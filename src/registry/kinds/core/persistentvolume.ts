/** core/v1 PersistentVolume: a piece of storage a claim can bind to. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { Column, KindDef, KObject } from "../../types.js";

type Spec = {
  capacity?: { storage?: string };
  accessModes?: string[];
  persistentVolumeReclaimPolicy?: string;
  claimRef?: { namespace?: string; name?: string };
  storageClassName?: string;
  volumeMode?: string;
  volumeAttributesClassName?: string;
};
const spec = (o: KObject) => (o.spec ?? {}) as Spec;

const MODES: Record<string, string> = { ReadWriteOnce: "RWO", ReadOnlyMany: "ROX", ReadWriteMany: "RWX", ReadWriteOncePod: "RWOP" };
export const accessModes = (modes: string[] | undefined) => (modes ?? []).map((m) => MODES[m] ?? m).join(",");

/** The wide VOLUMEMODE column, shared with PersistentVolumeClaim. */
export const volumeModeColumn: Column = { name: "VolumeMode", type: "string", priority: 1, description: "Volume mode.", cell: (o) => (o.spec as { volumeMode?: string } | undefined)?.volumeMode ?? "Filesystem" };

export const persistentVolume: KindDef = {
  group: "",
  version: "v1",
  kind: "PersistentVolume",
  plural: "persistentvolumes",
  singular: "persistentvolume",
  namespaced: false,
  shortNames: ["pv"],
  schemaName: "io.k8s.api.core.v1.PersistentVolume",
  schema: definitions["io.k8s.api.core.v1.PersistentVolume"],
  columns: [
    nameColumn,
    { name: "Capacity", type: "string", description: "Capacity of the volume.", cell: (o) => spec(o).capacity?.storage ?? "" },
    { name: "Access Modes", type: "string", description: "Access modes of the volume.", cell: (o) => accessModes(spec(o).accessModes) },
    { name: "Reclaim Policy", type: "string", description: "Reclaim policy of the volume.", cell: (o) => spec(o).persistentVolumeReclaimPolicy ?? "" },
    { name: "Status", type: "string", description: "Phase of the volume.", cell: (o) => (o.status as { phase?: string } | undefined)?.phase ?? "" },
    { name: "Claim", type: "string", description: "The claim bound to the volume.", cell: (o) => (spec(o).claimRef ? `${spec(o).claimRef?.namespace}/${spec(o).claimRef?.name}` : "") },
    { name: "StorageClass", type: "string", description: "Storage class of the volume.", cell: (o) => spec(o).storageClassName ?? "" },
    { name: "VolumeAttributesClass", type: "string", description: "Volume attributes class.", cell: (o) => spec(o).volumeAttributesClassName ?? "<unset>" },
    { name: "Reason", type: "string", description: "Reason for the phase.", cell: (o) => (o.status as { reason?: string } | undefined)?.reason ?? "" },
    ageColumn,
    volumeModeColumn,
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.persistentVolumeReclaimPolicy ??= "Retain";
      s.volumeMode ??= "Filesystem";
    },
    prepareForCreate(o) {
      o.status = { phase: "Pending" };
    },
  },
  subresources: { status: true },
};
