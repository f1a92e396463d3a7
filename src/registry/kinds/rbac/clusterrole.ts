/**
 * rbac.authorization.k8s.io/v1 ClusterRole: cluster-wide permissions (or
 * namespaced ones reused through RoleBindings). With an aggregationRule its
 * rules are owned by the aggregation controller (src/controllers/clusterrole-aggregation).
 */
import { definitions } from "../../../schemas/generated/index.js";
import type { KindDef } from "../../types.js";
import { roleColumns, validateRules } from "./rules.js";

export const clusterRole: KindDef = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "ClusterRole",
  plural: "clusterroles",
  singular: "clusterrole",
  namespaced: false,
  schemaName: "io.k8s.api.rbac.v1.ClusterRole",
  schema: definitions["io.k8s.api.rbac.v1.ClusterRole"],
  nameFormat: "path-segment",
  columns: roleColumns,
  strategy: { validate: (o) => validateRules(o, false) },
};
