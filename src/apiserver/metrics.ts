/**
 * /metrics for the control plane, with Kubernetes' metric names where they
 * exist: apiserver_request_total and apiserver_request_duration_seconds
 * (recorded here for every request), apiserver_storage_objects and
 * registered watchers (from the stores), scheduler_* and the controllers'
 * reconcile counters (from the ControllerManager). Request metrics are per
 * Worker isolate: exact locally (one isolate), a sample of the fleet on
 * Cloudflare; the stores' and controllers' figures are global.
 */
import type { Env } from "../env.js";
import { Counter, Gauge, Histogram, exposition } from "../metrics/prom.js";
import type { RequestInfo } from "./request-info.js";
import { clusterStore, namespaceStore } from "../store/object-store.js";
import { controllerManager } from "../controllers/runtime/manager.js";

const requests = new Counter("apiserver_request_total", "Counter of apiserver requests broken out for each verb, API resource and HTTP response code.");
const durations = new Histogram(
  "apiserver_request_duration_seconds",
  "Response latency distribution in seconds for each verb, group, version, resource and subresource (for watches: until the stream starts).",
  [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
);

const VERBS: Record<string, string> = { get: "GET", list: "LIST", watch: "WATCH", create: "POST", update: "PUT", patch: "PATCH", delete: "DELETE", deletecollection: "DELETECOLLECTION" };

/** Record one finished request (called by the app's outermost middleware). */
export function recordRequest(info: RequestInfo | undefined, method: string, code: number, seconds: number): void {
  const labels = info?.isResourceRequest
    ? { verb: VERBS[info.verb] ?? info.verb.toUpperCase(), group: info.group, version: info.version, resource: info.resource, subresource: info.subresource ?? "", scope: info.name ? "resource" : info.namespace ? "namespace" : "cluster", component: "apiserver" }
    : { verb: method, group: "", version: "", resource: "", subresource: "", scope: "", component: "apiserver" };
  requests.inc({ ...labels, code: String(code) });
  durations.observe(labels, seconds);
}

/** Namespaces whose stores are asked for object counts (a bound on one scrape's fan-out). */
const MAX_NAMESPACES = 100;

export async function metricsText(env: Env): Promise<string> {
  const objects = new Gauge("apiserver_storage_objects", "Number of stored objects at the time of last check split by kind.");
  const watchers = new Gauge("apiserver_registered_watchers", "Number of currently registered watchers, by store.");
  const cluster = clusterStore(env);
  const [cs, names] = await Promise.all([cluster.stats(), cluster.namespaceNames()]);
  const counts: Record<string, number> = { ...cs.objects };
  watchers.set({ store: "cluster" }, cs.watchers);
  const nsNames = names.names.slice(0, MAX_NAMESPACES);
  for (let i = 0; i < nsNames.length; i += 8) {
    const batch = await Promise.all(nsNames.slice(i, i + 8).map((n) => namespaceStore(env, n).stats().then((s) => [n, s] as const)));
    for (const [n, s] of batch) {
      for (const [r, c] of Object.entries(s.objects)) counts[r] = (counts[r] ?? 0) + c;
      if (s.watchers) watchers.set({ store: `ns:${n}` }, s.watchers);
    }
  }
  for (const [r, c] of Object.entries(counts)) objects.set({ resource: r }, c);
  const partial = new Gauge("edgeplane_storage_objects_namespaces_counted", `Namespaces counted in apiserver_storage_objects (at most ${MAX_NAMESPACES}) and in all.`);
  partial.set({ of: "counted" }, nsNames.length);
  partial.set({ of: "all" }, names.names.length);

  const m = await controllerManager(env).stats();
  const attempts = new Counter("scheduler_schedule_attempts_total", "Number of attempts to schedule pods, by the result.");
  const pending = new Gauge("scheduler_pending_pods", "Number of pending pods, by the queue type.");
  const e2e = new Counter("scheduler_pod_scheduling_duration_seconds_total", "Sum of the time from pod creation to binding, over scheduled pods (divide by scheduler_schedule_attempts_total{result=\"scheduled\"}).");
  const sched = m.loops.find((l) => l.name === "scheduler") as Record<string, number> | undefined;
  if (sched) {
    attempts.inc({ result: "scheduled", profile: "default-scheduler" }, sched.bound ?? 0);
    attempts.inc({ result: "unschedulable", profile: "default-scheduler" }, sched.failures ?? 0);
    pending.set({ queue: "active" }, sched.pending ?? 0);
    pending.set({ queue: "unschedulable" }, sched.unschedulable ?? 0);
    e2e.inc({}, (sched.latencyMs ?? 0) / 1000);
  }
  const reconciles = new Counter("controller_runtime_reconcile_total", "Total number of reconciliations per controller, by result.");
  const reconcileTime = new Counter("controller_runtime_reconcile_time_seconds_total", "Time spent reconciling, per controller.");
  const depth = new Gauge("workqueue_depth", "Current depth of the workqueue, per controller.");
  for (const c of m.controllers) {
    reconciles.inc({ controller: c.name, result: "success" }, c.reconciles - c.errors);
    reconciles.inc({ controller: c.name, result: "error" }, c.errors);
    reconcileTime.inc({ controller: c.name }, c.durationMs / 1000);
    depth.set({ name: c.name }, c.depth);
  }
  return exposition([requests, durations, objects, watchers, partial, attempts, pending, e2e, reconciles, reconcileTime, depth]);
}
