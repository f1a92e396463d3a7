/** rbac.authorization.k8s.io/v1 RoleBinding: grants a Role or ClusterRole within one namespace (roleRef immutable). */
import { definitions } from "../../../schemas/generated/index.js";
import type { KindDef } from "../../types.js";
import { bindingColumns, bindingStrategy } from "./rules.js";

export const roleBinding: KindDef = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "RoleBinding",
  plural: "rolebindings",
  singular: "rolebinding",
  namespaced: true,
  schemaName: "io.k8s.api.rbac.v1.RoleBinding",
  schema: definitions["io.k8s.api.rbac.v1.RoleBinding"],
  nameFormat: "path-segment",
  columns: bindingColumns,
  strategy: bindingStrategy(false),
};
