/**
 * Every control loop the controller manager runs. Adding a controller: write
 * it as a Controller (types.ts) in its own folder and list it here.
 */
import type { Env } from "../env.js";
import type { Controller, Lister, Resource } from "./types.js";
import { SchedulingQueue } from "../scheduler/queue.js";
import { toMilli, toValue } from "../apimachinery/quantity.js";
import type { Loop } from "./runtime/manager.js";
import { replicaSetController, replicationControllerController } from "./replicaset/index.js";
import { deploymentController } from "./deployment/index.js";
import { endpointsController } from "./endpoints/index.js";
import { endpointSliceController } from "./endpointslice/index.js";
import { serviceAccountController } from "./serviceaccount/index.js";
import { nodeLifecycleController } from "./nodelifecycle/index.js";
import { pvBinderController } from "./pvbinder/index.js";
import { hpaController } from "./hpa/index.js";
import { statefulSetController } from "./statefulset/index.js";
import { daemonSetController } from "./daemonset/index.js";
import { jobController } from "./job/index.js";
import { cronJobController } from "./cronjob/index.js";
import { clusterRoleAggregationController } from "./clusterrole-aggregation/index.js";
import { RBAC_RESOURCES } from "../authz/policy.js";
import { resourceQuotaController } from "./resourcequota/index.js";
import { rootCaController } from "./rootca/index.js";
import { apiServerServiceController } from "./apiserverservice/index.js";
import { disruptionController } from "./disruption/index.js";
import { crdCleanupController } from "./crdcleanup/index.js";
import { ingressStatusController } from "./ingress/index.js";
import { flowSchemaController, priorityLevelController } from "./flowcontrol/index.js";
import { csrCleanerController } from "./csrcleaner/index.js";

const seconds = (v: string | undefined) => (v ? Number(v) * 1000 : undefined);
const POD_METRICS = "pods.metrics.k8s.io";

/** Pod usage from the metrics.k8s.io PodMetrics the node agents report (sum over containers). */
function podMetricsFrom(lister: Lister) {
  return async (namespace: string, pod: string) => {
    const m = lister.get(POD_METRICS, namespace, pod);
    if (!m) return undefined;
    let cpuMilli = 0;
    let memoryBytes = 0;
    for (const c of (m.containers as { usage?: { cpu?: string; memory?: string } }[] | undefined) ?? []) {
      cpuMilli += Number(toMilli(c.usage?.cpu ?? "0"));
      memoryBytes += Number(toValue(c.usage?.memory ?? "0"));
    }
    return { cpuMilli, memoryBytes };
  };
}

export function controllers(env: Partial<Env> = {}, lister: Lister = emptyLister): Controller[] {
  return [
    replicaSetController,
    replicationControllerController,
    deploymentController,
    statefulSetController,
    daemonSetController,
    jobController,
    cronJobController,
    endpointsController,
    endpointSliceController,
    ingressStatusController,
    serviceAccountController,
    nodeLifecycleController({ gracePeriodMs: seconds(env.NODE_MONITOR_GRACE_SECONDS), defaultEvictionMs: seconds(env.POD_EVICTION_SECONDS) }),
    pvBinderController,
    disruptionController,
    crdCleanupController,
    hpaController({ metrics: podMetricsFrom(lister) }),
    clusterRoleAggregationController,
    resourceQuotaController,
    rootCaController(env.CLUSTER_CA_PEM),
    apiServerServiceController(env.API_ENDPOINT),
    flowSchemaController,
    priorityLevelController,
    csrCleanerController,
  ];
}

/** Loops that are not keyed controllers: the scheduler's queue. */
export function loops(_env: Partial<Env> = {}, lister: Lister = emptyLister): Loop[] {
  return [new SchedulingQueue(lister)];
}

const emptyLister: Lister = { get: () => undefined, list: () => [], ownedBy: () => [], claimable: () => [], onNode: () => [] };

/** Resources the stores push to the controller manager. */
export function watchedResources(): Resource[] {
  // RBAC objects feed the manager's own authorizer (its clients are authorized like any user).
  const set = new Set<Resource>(["namespaces", POD_METRICS, ...RBAC_RESOURCES]);
  for (const c of controllers()) {
    set.add(c.primary);
    for (const w of c.watches ?? []) set.add(w.resource);
  }
  for (const l of loops()) for (const r of l.resources) set.add(r);
  return [...set];
}
