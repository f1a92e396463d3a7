/** rbac.authorization.k8s.io/v1 ClusterRoleBinding: grants a ClusterRole everywhere (roleRef immutable). */
import { definitions } from "../../../schemas/generated/index.js";
import type { KindDef } from "../../types.js";
import { bindingColumns, bindingStrategy } from "./rules.js";

export const clusterRoleBinding: KindDef = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "ClusterRoleBinding",
  plural: "clusterrolebindings",
  singular: "clusterrolebinding",
  namespaced: false,
  schemaName: "io.k8s.api.rbac.v1.ClusterRoleBinding",
  schema: definitions["io.k8s.api.rbac.v1.ClusterRoleBinding"],
  nameFormat: "path-segment",
  columns: bindingColumns,
  strategy: bindingStrategy(true),
};
