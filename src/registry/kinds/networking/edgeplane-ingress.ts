/**
 * Which Ingresses Edgeplane's own controller serves, and the marks its
 * agents leave: shared by the kind registry (the class created with the
 * cluster), the ingress status controller and the node agent, so it loads
 * nothing else (the agent must not pull in the kind registry and its schemas).
 */
import type { KObject } from "../../types.js";

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
  return !!cls && (cls.spec as { controller?: string } | undefined)?.controller === EDGEPLANE_INGRESS_CONTROLLER;
}
