/** rbac.authorization.k8s.io/v1 Role: namespaced permissions, granted by RoleBindings. */
import { definitions } from "../../../schemas/generated/index.js";
import type { KindDef } from "../../types.js";
import { roleColumns, validateRules } from "./rules.js";

export const role: KindDef = {
  group: "rbac.authorization.k8s.io",
  version: "v1",
  kind: "Role",
  plural: "roles",
  singular: "role",
  namespaced: true,
  schemaName: "io.k8s.api.rbac.v1.Role",
  schema: definitions["io.k8s.api.rbac.v1.Role"],
  nameFormat: "path-segment",
  columns: roleColumns,
  strategy: { validate: (o) => validateRules(o, true) },
};
