/** core/v1 Namespace: each one is served by its own store Durable Object. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn, pathColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const namespace: KindDef = {
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  singular: "namespace",
  namespaced: false,
  shortNames: ["ns"],
  schemaName: "io.k8s.api.core.v1.Namespace",
  schema: definitions["io.k8s.api.core.v1.Namespace"],
  nameFormat: "dns-label",
  fieldSelectors: { "status.phase": (o) => (o.status as { phase?: string } | undefined)?.phase },
  columns: [nameColumn, pathColumn("Status", "status.phase", { description: "The status of the namespace" }), ageColumn],
  strategy: {
    defaults(o) {
      o.metadata.labels = { ...o.metadata.labels, "kubernetes.io/metadata.name": o.metadata.name ?? "" };
    },
    prepareForCreate(o) {
      o.spec = { finalizers: ["kubernetes"] };
      o.status = { phase: "Active" };
    },
    prepareForUpdate(o, old) {
      o.spec = structuredClone(old.spec);
    },
    prepareForDelete(o) {
      o.status = { ...(o.status as object), phase: "Terminating" };
    },
    pendingDeletion: (o) => ((o.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0,
  },
  subresources: { status: true },
};
