/**
 * core/v1 ComponentStatus (deprecated upstream, still asked for): read-only,
 * computed on each read from the real health of the store, the scheduler and
 * the controller manager (see apiserver/componentstatus.ts).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { nameColumn } from "../../columns.js";
import { READ_VERBS, type KindDef, type KObject } from "../../types.js";

type Cond = { type: string; status: string; message?: string; error?: string };
const healthy = (o: KObject) => ((o.conditions as Cond[] | undefined) ?? []).find((c) => c.type === "Healthy");

export const componentStatus: KindDef = {
  group: "",
  version: "v1",
  kind: "ComponentStatus",
  plural: "componentstatuses",
  singular: "componentstatus",
  namespaced: false,
  shortNames: ["cs"],
  schemaName: "io.k8s.api.core.v1.ComponentStatus",
  schema: definitions["io.k8s.api.core.v1.ComponentStatus"],
  verbs: READ_VERBS.filter((v) => v !== "watch"),
  virtual: true,
  columns: [
    nameColumn,
    { name: "Status", type: "string", description: "Status of the component conditions", cell: (o) => (healthy(o)?.status === "True" ? "Healthy" : "Unhealthy") },
    { name: "Message", type: "string", description: "Message of the component conditions", cell: (o) => healthy(o)?.message ?? "" },
    { name: "Error", type: "string", description: "Error of the component conditions", cell: (o) => healthy(o)?.error ?? "" },
  ],
};
