/** coordination.k8s.io/v1 Lease: node heartbeats and leader election. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn, pathColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const lease: KindDef = {
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  singular: "lease",
  namespaced: true,
  schemaName: "io.k8s.api.coordination.v1.Lease",
  schema: definitions["io.k8s.api.coordination.v1.Lease"],
  columns: [nameColumn, pathColumn("Holder", "spec.holderIdentity", { description: "The holder of the lease.", none: "" }), ageColumn],
};
