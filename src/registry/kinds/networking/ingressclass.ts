/** networking.k8s.io/v1 IngressClass: which controller serves Ingresses naming it; one may be the default. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Spec = { controller?: string; parameters?: { kind?: string; name?: string; apiGroup?: string } };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;

/** The controller the node agents run (agent/src/ingress/), and its class, created with the cluster. */
export const EDGEPLANE_INGRESS_CONTROLLER = "edgeplane.dev/ingress";
export const EDGEPLANE_INGRESS_CLASS: KObject = { apiVersion: "networking.k8s.io/v1", kind: "IngressClass", metadata: { name: "edgeplane" }, spec: { controller: EDGEPLANE_INGRESS_CONTROLLER } };
/** Set on a Node by its agent when it serves Ingresses, to the ports it listens on (HTTP, HTTPS). */
export const INGRESS_PORT_ANNOTATION = "edgeplane.dev/ingress-port";
export const INGRESS_TLS_PORT_ANNOTATION = "edgeplane.dev/ingress-tls-port";

/**
 * Whether Edgeplane's controller serves an Ingress: its class (spec.ingressClassName, or the older
 * kubernetes.io/ingress.class annotation) names an IngressClass of that controller, or it names none
 * (served as ingress-nginx does with --watch-ingress-without-class).
 */
export function servedByEdgeplane(ing: KObject, classOf: (name: string) => KObject | undefined): boolean {
  const name = (ing.spec as { ingressClassName?: string } | undefined)?.ingressClassName ?? ing.metadata.annotations?.["kubernetes.io/ingress.class"];
  if (!name) return true;
  const cls = classOf(name);
  return !!cls && spec(cls).controller === EDGEPLANE_INGRESS_CONTROLLER;
}

export const ingressClass: KindDef = {
  group: "networking.k8s.io",
  version: "v1",
  kind: "IngressClass",
  plural: "ingressclasses",
  singular: "ingressclass",
  namespaced: false,
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
