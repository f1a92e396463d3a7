/** networking.k8s.io/v1 IngressClass: which controller serves Ingresses naming it; one may be the default. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";
import { EDGEPLANE_INGRESS_CLASS } from "./edgeplane-ingress.js";

type Spec = { controller?: string; parameters?: { kind?: string; name?: string; apiGroup?: string } };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;

export const ingressClass: KindDef = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "IngressClass",
  plural: "ingressclasses",
  singular: "ingressclass",
  namespaced: false,
  // The class of the ingress controller the node agents run.
  bootstrap: [EDGEPLANE_INGRESS_CLASS],
  schemaName: "io.k8s.api.networking.v1.IngressClass",
  schema: definitions["io.k8s.api.networking.v1.IngressClass"],
  columns: [
    nameColumn,
    { name: "Controller", type: "string", description: "Controller that implements this IngressClass.", cell: (o) => spec(o).controller ?? "" },
    {
      name: "Parameters",
      type: "string",
      description: "A link to a resource holding the controller's configuration.",
      cell: (o) => {
        const p = spec(o).parameters;
        return p ? `${p.apiGroup ? `${p.kind}.${p.apiGroup}` : p.kind}/${p.name}` : "<none>";
      },
    },
    ageColumn,
  ],
};
