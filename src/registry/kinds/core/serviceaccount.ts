/** core/v1 ServiceAccount: the identity pods run as. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef } from "../../types.js";

export const serviceAccount: KindDef = {
  group: "",
  version: "v1",
  kind: "ServiceAccount",
  plural: "serviceaccounts",
  singular: "serviceaccount",
  namespaced: true,
  shortNames: ["sa"],
  schemaName: "io.k8s.api.core.v1.ServiceAccount",
  schema: definitions["io.k8s.api.core.v1.ServiceAccount"],
  columns: [nameColumn, { name: "Secrets", type: "string", description: "The number of secrets", cell: (o) => String(((o.secrets as unknown[]) ?? []).length) }, ageColumn],
};
