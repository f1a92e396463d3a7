/**
 * The EndpointSlice controller: for every Service with a selector, slices
 * (named `${service}-xxxxx`, owned by the Service, labelled with its name
 * and this controller) holding an endpoint per pod it selects — address,
 * ready/serving/terminating conditions, node, hostname and a reference to
 * the pod — grouped by the ports each pod's targetPorts resolve to, at most
 * 100 per slice; a Service with no endpoints keeps one empty placeholder.
 *
 * Keys are Services' keys, so Services are the primary resource (the
 * runtime's resync then revisits every Service); slices are named by
 * generateName and map to their Service through the
 * kubernetes.io/service-name label. A deleted Service's slices go with it
 * through their ownerReference (the store's garbage collection).
 */
import type { Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KObject } from "../../registry/types.js";
import { controllerRef, isControlledBy } from "../common/owner-refs.js";
import { isPodReady, type Pod } from "../common/pods.js";
import type { Controller, KeyMapper } from "../types.js";
import { asService, compact, findPort, HEADLESS_LABEL, isHeadless, podAddress, podHostname, podRef, podToServices, selectedPods, serviceFamily, serviceSelector, shouldPodBeInEndpoints } from "../endpoints/pods.js";
import { endpointKey, planSlices, portsKey } from "./plan.js";

const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
const CONTROLLER_NAME = "endpointslice-controller.k8s.io";
const RESOURCE = "endpointslices.discovery.k8s.io";

const asSlice = (o: KObject) => o as unknown as EndpointSlice;
const toObject = (s: EndpointSlice) => s as unknown as KObject;
const managed = (o: KObject) => o.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;

/** podToEndpoint and getEndpointPorts: a pod's endpoint and the ports it serves ([] when none resolve). */
function endpointOf(svc: Service, pod: Pod): { ports: EndpointPort[]; endpoint: Endpoint } | undefined {
  if (!shouldPodBeInEndpoints(pod, true)) return undefined;
  const ip = podAddress(pod, svc);
  if (!ip) return undefined;
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  const serving = publishNotReady || isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  // Never ready while terminating, unless the Service publishes everything.
  const ready = publishNotReady || (serving && !terminating);
  const ports: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port !== undefined) ports.push(compact({ name: sp.name ?? "", port, protocol: sp.protocol, appProtocol: sp.appProtocol }));
  }
  const endpoint = compact({ addresses: [ip], conditions: { ready, serving, terminating }, hostname: podHostname(pod, svc), nodeName: pod.spec?.nodeName || undefined, targetRef: podRef(pod) });
  return { ports, endpoint };
}

/** The Service's labels, but for the reserved ones, which the controller sets. */
function sliceLabels(svcObj: KObject, svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svcObj.metadata.labels ?? {})) if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL && k !== HEADLESS_LABEL) labels[k] = v;
  if (isHeadless(svc)) labels[HEADLESS_LABEL] = "";
  labels[SERVICE_NAME_LABEL] = svcObj.metadata.name ?? "";
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  return labels;
}

const sliceToService: KeyMapper = (o) => {
  const name = o.metadata.labels?.[SERVICE_NAME_LABEL];
  return managed(o) && name ? [{ namespace: o.metadata.namespace ?? "", name }] : [];
};

export const endpointSliceController: Controller = {
  name: "endpointslice",
  primary: "services",
  watches: [
    { resource: RESOURCE, map: sliceToService },
    { resource: "pods", map: podToServices },
  ],
  async reconcile(key, ctx) {
    const svcObj = ctx.lister.get("services", key.namespace, key.name);
    if (!svcObj) return;
    const svc = asService(svcObj);
    const selector = serviceSelector(svc);
    if (!selector) return;
    const addressType = serviceFamily(svc);

    const desired = new Map<string, { ports: EndpointPort[]; endpoints: Map<string, Endpoint> }>();
    const pods = selectedPods(ctx.lister, svc, selector).sort((a, b) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1));
    for (const pod of pods) {
      const e = endpointOf(svc, pod);
      if (!e) continue;
      const k = portsKey(e.ports);
      if (!desired.has(k)) desired.set(k, { ports: e.ports, endpoints: new Map() });
      desired.get(k)!.endpoints.set(endpointKey(e.endpoint), e.endpoint);
    }

    const labels = sliceLabels(svcObj, svc);
    const mine = ctx.lister.list(RESOURCE, key.namespace).filter((s) => managed(s) && s.metadata.labels?.[SERVICE_NAME_LABEL] === key.name);
    const current = mine.filter((s) => asSlice(s).addressType === addressType && isControlledBy(s, svcObj));
    const stale = mine.filter((s) => !current.includes(s));
    const newSlice = (ports: EndpointPort[], endpoints: Endpoint[]): EndpointSlice => ({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { generateName: `${key.name}-`, namespace: key.namespace, labels, ownerReferences: [controllerRef(svcObj)] },
      addressType,
      endpoints,
      ports,
    });
    const plan = planSlices(current.map(asSlice), desired, labels, newSlice);

    // Creates first and deletes last, so no endpoint is ever missing in between.
    for (const s of plan.create) await ctx.client.create(RESOURCE, toObject(s));
    for (const s of plan.update) await ctx.client.update(RESOURCE, toObject(s));
    for (const s of [...plan.delete.map(toObject), ...stale]) await ctx.client.delete(RESOURCE, key.namespace, s.metadata.name ?? "");
  },
};
