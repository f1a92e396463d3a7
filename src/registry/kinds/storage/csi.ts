/**
 * storage.k8s.io/v1 CSIDriver, CSINode, VolumeAttachment and
 * CSIStorageCapacity: what a CSI driver's manifests and Helm charts create
 * and its node plugins and sidecars read and write. Stored, defaulted and
 * validated as kube-apiserver does, with kubectl's columns; the node agent
 * itself provisions hostPath volumes only, and does not call CSI drivers.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { isDNS1123Subdomain, tooLong } from "../../../apimachinery/validation.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

const group = "storage.k8s.io";
const FS_GROUP_POLICIES = ["None", "File", "ReadWriteOnceWithFSType"];
const LIFECYCLE_MODES = ["Persistent", "Ephemeral"];

type DriverSpec = {
  attachRequired?: boolean;
  podInfoOnMount?: boolean;
  storageCapacity?: boolean;
  requiresRepublish?: boolean;
  fsGroupPolicy?: string;
  volumeLifecycleModes?: string[];
  tokenRequests?: { audience?: string }[];
};
const driverSpec = (o: KObject) => (o.spec ?? {}) as DriverSpec;
const bool = (v: boolean | undefined) => (v === undefined ? "<unset>" : String(v));

/** A CSI driver name: a DNS subdomain of at most 63 characters (ValidateCSIDriverName). */
function driverNameErrors(name: string | undefined, field: string): FieldError[] {
  if (!name) return [fieldErrors.required(field)];
  if (name.length > 63) return [tooLong(field, 63)];
  return isDNS1123Subdomain(name).map((m) => fieldErrors.invalid(field, name, m));
}

export const csiDriver: KindDef = {
  group,
  version: "v1",
  kind: "CSIDriver",
  plural: "csidrivers",
  singular: "csidriver",
  namespaced: false,
  schemaName: "io.k8s.api.storage.v1.CSIDriver",
  schema: definitions["io.k8s.api.storage.v1.CSIDriver"],
  columns: [
    nameColumn,
    { name: "AttachRequired", type: "boolean", description: "Indicates this CSI volume driver requires an attach operation.", cell: (o) => bool(driverSpec(o).attachRequired) },
    { name: "PodInfoOnMount", type: "boolean", description: "Indicates this CSI volume driver requires additional pod information during mount operations.", cell: (o) => bool(driverSpec(o).podInfoOnMount) },
    { name: "StorageCapacity", type: "boolean", description: "Indicates this CSI volume driver reports storage capacity.", cell: (o) => bool(driverSpec(o).storageCapacity) },
    { name: "TokenRequests", type: "string", description: "Indicates the CSI driver wants service account tokens of these audiences.", cell: (o) => (driverSpec(o).tokenRequests?.length ? driverSpec(o).tokenRequests!.map((t) => t.audience ?? "").join(",") : "<unset>") },
    { name: "RequiresRepublish", type: "boolean", description: "Indicates the CSI driver wants NodePublishVolume periodically called.", cell: (o) => bool(driverSpec(o).requiresRepublish) },
    { name: "Modes", type: "string", description: "Volume lifecycle modes supported by the driver.", cell: (o) => (driverSpec(o).volumeLifecycleModes ?? []).join(",") || "<none>" },
    ageColumn,
  ],
  strategy: {
    defaults(o) {
      const s = (o.spec ??= {}) as DriverSpec;
      s.attachRequired ??= true;
      s.podInfoOnMount ??= false;
      s.storageCapacity ??= false;
      s.requiresRepublish ??= false;
      s.fsGroupPolicy ??= "ReadWriteOnceWithFSType";
      s.volumeLifecycleModes ??= ["Persistent"];
    },
    validate(o) {
      const s = driverSpec(o);
      const errs = driverNameErrors(o.metadata.name, "metadata.name");
      if (s.fsGroupPolicy && !FS_GROUP_POLICIES.includes(s.fsGroupPolicy)) errs.push(fieldErrors.notSupported("spec.fsGroupPolicy", s.fsGroupPolicy, FS_GROUP_POLICIES));
      (s.volumeLifecycleModes ?? []).forEach((m, i) => {
        if (!LIFECYCLE_MODES.includes(m)) errs.push(fieldErrors.notSupported(`spec.volumeLifecycleModes[${i}]`, m, LIFECYCLE_MODES));
      });
      const audiences = new Set<string>();
      (s.tokenRequests ?? []).forEach((t, i) => {
        const a = t.audience ?? "";
        if (audiences.has(a)) errs.push(fieldErrors.duplicate(`spec.tokenRequests[${i}].audience`, a));
        audiences.add(a);
      });
      return errs;
    },
    validateUpdate(o, old) {
      const errs: FieldError[] = [];
      for (const f of ["volumeLifecycleModes", "fsGroupPolicy"] as const) {
        if (!deepEqual(driverSpec(o)[f], driverSpec(old)[f])) errs.push(fieldErrors.invalid(`spec.${f}`, driverSpec(o)[f], "field is immutable"));
      }
      return errs;
    },
  },
};

type NodeDriver = { name?: string; nodeID?: string; topologyKeys?: string[] };
const nodeDrivers = (o: KObject) => ((o.spec as { drivers?: NodeDriver[] } | undefined)?.drivers ?? []) as NodeDriver[];

export const csiNode: KindDef = {
  group,
  version: "v1",
  kind: "CSINode",
  plural: "csinodes",
  singular: "csinode",
  namespaced: false,
  schemaName: "io.k8s.api.storage.v1.CSINode",
  schema: definitions["io.k8s.api.storage.v1.CSINode"],
  columns: [nameColumn, { name: "Drivers", type: "integer", description: "Drivers indicates the number of CSI drivers registered on the node", cell: (o) => nodeDrivers(o).length }, ageColumn],
  strategy: {
    validate(o) {
      const errs: FieldError[] = [];
      const names = new Set<string>();
      nodeDrivers(o).forEach((d, i) => {
        errs.push(...driverNameErrors(d.name, `spec.drivers[${i}].name`));
        if (d.name && names.has(d.name)) errs.push(fieldErrors.duplicate(`spec.drivers[${i}].name`, d.name));
        names.add(d.name ?? "");
        if (!d.nodeID) errs.push(fieldErrors.required(`spec.drivers[${i}].nodeID`));
      });
      return errs;
    },
  },
};

type AttachmentSpec = { attacher?: string; nodeName?: string; source?: { persistentVolumeName?: string; inlineVolumeSpec?: object } };
const attachment = (o: KObject) => (o.spec ?? {}) as AttachmentSpec;

export const volumeAttachment: KindDef = {
  group,
  version: "v1",
  kind: "VolumeAttachment",
  plural: "volumeattachments",
  singular: "volumeattachment",
  namespaced: false,
  schemaName: "io.k8s.api.storage.v1.VolumeAttachment",
  schema: definitions["io.k8s.api.storage.v1.VolumeAttachment"],
  subresources: { status: true },
  columns: [
    nameColumn,
    { name: "Attacher", type: "string", format: "name", description: "Attacher indicates the name of the volume driver that MUST handle this request.", cell: (o) => attachment(o).attacher ?? "" },
    { name: "PV", type: "string", description: "Name of the persistent volume to attach.", cell: (o) => attachment(o).source?.persistentVolumeName ?? "" },
    { name: "Node", type: "string", description: "The node that the volume should be attached to.", cell: (o) => attachment(o).nodeName ?? "" },
    { name: "Attached", type: "boolean", description: "Indicates the volume is successfully attached.", cell: (o) => Boolean((o.status as { attached?: boolean } | undefined)?.attached) },
    ageColumn,
  ],
  strategy: {
    validate(o) {
      const s = attachment(o);
      // nodeName is required by the schema, checked before this.
      const errs = driverNameErrors(s.attacher, "spec.attacher");
      const sources = [s.source?.persistentVolumeName, s.source?.inlineVolumeSpec].filter((x) => x !== undefined && x !== "");
      if (sources.length !== 1) errs.push(fieldErrors.required("spec.source", "must specify exactly one of inlineVolumeSpec and persistentVolumeName"));
      return errs;
    },
    validateUpdate: (o, old) => (deepEqual(o.spec, old.spec) ? [] : [fieldErrors.invalid("spec", "", "field is immutable")]),
  },
};

export const csiStorageCapacity: KindDef = {
  group,
  version: "v1",
  kind: "CSIStorageCapacity",
  plural: "csistoragecapacities",
  singular: "csistoragecapacity",
  namespaced: true,
  schemaName: "io.k8s.api.storage.v1.CSIStorageCapacity",
  schema: definitions["io.k8s.api.storage.v1.CSIStorageCapacity"],
  columns: [
    nameColumn,
    { name: "StorageClassName", type: "string", description: "The name of the StorageClass that the reported capacity applies to.", cell: (o) => String(o.storageClassName ?? "") },
    { name: "Capacity", type: "string", description: "The value reported by the CSI driver in its GetCapacityResponse.", cell: (o) => String(o.capacity ?? "<unset>") },
    ageColumn,
  ],
  strategy: {
    validate: (o) => (o.storageClassName ? [] : [fieldErrors.required("storageClassName")]),
    validateUpdate: (o, old) => (o.storageClassName === old.storageClassName ? [] : [fieldErrors.invalid("storageClassName", o.storageClassName, "field is immutable")]),
  },
};
