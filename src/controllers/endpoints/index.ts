/**
 * The endpoints controller: for every Service with a selector, an Endpoints
 * object of the same name listing the pods it selects — ready ones under
 * addresses, the others under notReadyAddresses (all of them under
 * addresses with publishNotReadyAddresses), terminating ones left out —
 * with the ports each pod's targetPorts resolve to. Like Kubernetes 1.33 it
 * labels what it writes endpoints.kubernetes.io/managed-by, and deletes with
 * their Service only Endpoints carrying that label, so hand-written ones
 * (for Services without a selector, or written before their Service) stay.
 *
 * Keys are Services' keys, so Services are the primary resource (the
 * runtime's resync then revisits every Service); an Endpoints object maps
 * to the Service of its name.
 */
import type { EndpointPort, Service } from "kubernetes-types/core/v1";
import { deepEqual } from "../../apimachinery/objects.js";
import type { KObject } from "../../registry/types.js";
import { isPodReady, type Pod } from "../common/pods.js";
import { self, type Controller } from "../types.js";
import { asService, compact, findPort, HEADLESS_LABEL, isHeadless, podAddress, podHostname, podRef, podToServices, selectedPods, serviceSelector, shouldPodBeInEndpoints } from "./pods.js";
import { repackSubsets, truncateSubsets, type Backend } from "./subsets.js";

export const MANAGED_BY_LABEL = "endpoints.kubernetes.io/managed-by";
const CONTROLLER_NAME = "endpoint-controller";
const OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";

const managed = (o: KObject) => o.metadata.labels?.[MANAGED_BY_LABEL] === CONTROLLER_NAME;

/** What one pod contributes to a Service's Endpoints, or undefined when it is not listed. */
function backendOf(svc: Service, pod: Pod): Backend | undefined {
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  if (!shouldPodBeInEndpoints(pod, publishNotReady)) return undefined;
  const ip = podAddress(pod, svc);
  if (!ip) return undefined;
  const address = compact({ ip, hostname: podHostname(pod, svc), nodeName: pod.spec?.nodeName || undefined, targetRef: podRef(pod) });
  const ready = publishNotReady || isPodReady(pod);
  const svcPorts = svc.spec?.ports ?? [];
  if (!svcPorts.length) return svc.spec?.clusterIP === "None" ? { address, ready, ports: [] } : undefined;
  const ports: EndpointPort[] = [];
  for (const sp of svcPorts) {
    const port = findPort(pod, sp);
    if (port !== undefined) ports.push(compact({ name: sp.name || undefined, port, protocol: sp.protocol, appProtocol: sp.appProtocol }));
  }
  return ports.length ? { address, ready, ports } : undefined;
}

export const endpointsController: Controller = {
  name: "endpoints",
  component: "endpoint-controller",
  primary: "services",
  watches: [
    { resource: "endpoints", map: self },
    { resource: "pods", map: podToServices },
  ],
  async reconcile(key, ctx) {
    const svcObj = ctx.lister.get("services", key.namespace, key.name);
    const current = ctx.lister.get("endpoints", key.namespace, key.name);
    if (!svcObj) {
      if (current && managed(current)) await ctx.client.delete("endpoints", key.namespace, key.name);
      return;
    }
    const svc = asService(svcObj);
    const selector = serviceSelector(svc);
    if (!selector) return;

    const backends = selectedPods(ctx.lister, svc, selector).flatMap((p) => backendOf(svc, p) ?? []);
    const subsets = repackSubsets(backends);
    const truncated = truncateSubsets(subsets);
    const labels: Record<string, string> = { ...svcObj.metadata.labels, [MANAGED_BY_LABEL]: CONTROLLER_NAME };
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = "";
    else delete labels[HEADLESS_LABEL];
    const { [OVER_CAPACITY_ANNOTATION]: _, ...annotations } = current?.metadata.annotations ?? {};
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = "truncated";

    const metadata = compact({ ...current?.metadata, name: key.name, namespace: key.namespace, labels, annotations: Object.keys(annotations).length ? annotations : undefined });
    const desired: KObject = compact({ ...current, metadata, subsets: subsets.length ? subsets : undefined });
    if (!current) await ctx.client.create("endpoints", desired);
    else if (!deepEqual(desired, current)) await ctx.client.update("endpoints", desired);
  },
};
