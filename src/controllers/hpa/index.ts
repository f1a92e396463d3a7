/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2, Resource metrics
 * for cpu and memory): reads its Deployment or StatefulSet target's scale
 * (spec.replicas and selector), asks the metrics source for the usage of
 * the target's pods, computes the replica count as Kubernetes does, scales
 * the target with a merge patch of spec.replicas, and reports
 * currentReplicas, desiredReplicas, currentMetrics, lastScaleTime and the
 * AbleToScale / ScalingActive / ScalingLimited conditions, with
 * SuccessfulRescale and failure events.
 *
 * Like Kubernetes' it is periodic: it looks at each HPA every 15 s (the
 * returned requeueAfterMs); changes of pods and targets between two looks
 * are left for the next one, unless the HPA's spec changed.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricStatus } from "kubernetes-types/autoscaling/v2";
import { deepEqual } from "../../apimachinery/objects.js";
import { selectorFromLabelSelector, type LabelSelector } from "../../apimachinery/selectors/labels.js";
import type { KObject } from "../../registry/types.js";
import { rfc3339 } from "../common/time.js";
import { keyOf, type Controller, type KeyMapper, type Lister, type ReconcileContext } from "../types.js";
import { computeReplicasForMetrics, type MetricsSource } from "./metrics.js";
import { newHistory, normalize, recordScale, type History } from "./normalize.js";

export type { PodUsage, MetricsSource } from "./metrics.js";

export interface HpaOptions {
  /** Usage of one pod, or undefined when it has not been reported. */
  metrics: MetricsSource;
}

/** --horizontal-pod-autoscaler-sync-period. */
const SYNC_PERIOD_MS = 15_000;
const HPAS = "horizontalpodautoscalers.autoscaling";
/** The scalable kinds this controller reads through its informers. */
const TARGETS: Record<string, string> = { Deployment: "deployments.apps", StatefulSet: "statefulsets.apps" };

const asHpa = (o: KObject) => o as unknown as HorizontalPodAutoscaler;

/**
 * The HPA's setConditionInList: lastTransitionTime moves only when the
 * status does, while reason and message always take the new values (unlike
 * the workload rule of common/conditions.ts, which keeps a condition whose
 * status and reason are unchanged: "scale to 4" must become "scale to 6").
 */
function setCondition(list: HorizontalPodAutoscalerCondition[], type: string, status: boolean, reason: string, message: string, now: string): HorizontalPodAutoscalerCondition[] {
  const s = status ? "True" : "False";
  const old = list.find((c) => c.type === type);
  const next = { type, status: s, lastTransitionTime: old && old.status === s ? old.lastTransitionTime : now, reason, message };
  return old ? list.map((c) => (c === old ? next : c)) : [...list, next];
}

function targetOf(hpa: HorizontalPodAutoscaler, lister: Lister): { resource?: string; obj?: KObject } {
  const ref = hpa.spec?.scaleTargetRef;
  const resource = ref && TARGETS[ref.kind];
  return { resource, obj: resource ? lister.get(resource, hpa.metadata?.namespace ?? "", ref.name) : undefined };
}

const targetToHpas = (kind: string): KeyMapper => (o, lister) =>
  lister
    .list(HPAS, o.metadata.namespace ?? "")
    .filter((h) => asHpa(h).spec?.scaleTargetRef?.kind === kind && asHpa(h).spec?.scaleTargetRef?.name === o.metadata.name)
    .map(keyOf);

const podToHpas: KeyMapper = (o, lister) =>
  lister.list(HPAS, o.metadata.namespace ?? "").filter((h) => {
    const sel = (targetOf(asHpa(h), lister).obj?.spec as { selector?: LabelSelector } | undefined)?.selector;
    try {
      return !!sel && selectorFromLabelSelector(sel)(o.metadata.labels);
    } catch {
      return false;
    }
  }).map(keyOf);

export function hpaController(opts: HpaOptions): Controller {
  /** Per HPA (by key): its scaling history and when it was last looked at. */
  const state = new Map<string, { uid?: string; history?: History; lastSync: number; generation?: number }>();

  async function reconcileAutoscaler(obj: KObject, st: { history?: History }, ctx: ReconcileContext): Promise<void> {
    const hpa = asHpa(obj);
    const spec = hpa.spec!;
    const now = ctx.now();
    const original = hpa.status ?? { desiredReplicas: 0 };
    let conditions = original.conditions ?? [];
    const set = (type: string, status: boolean, reason: string, message: string) => (conditions = setCondition(conditions, type, status, reason, message, rfc3339(now)));
    const writeStatus = async (status: HorizontalPodAutoscalerStatus) => {
      const next = { ...status, conditions };
      if (!next.currentMetrics?.length) delete next.currentMetrics;
      if (!next.lastScaleTime) delete next.lastScaleTime;
      if (!deepEqual(next, original)) await ctx.client.updateStatus(HPAS, { ...obj, status: next });
    };

    const ref = spec.scaleTargetRef;
    const { resource, obj: target } = targetOf(hpa, ctx.lister);
    if (!resource || !target) {
      const group = ref.apiVersion?.includes("/") ? ref.apiVersion.split("/")[0] : "";
      const err = resource ? `${resource} "${ref.name}" not found` : `no matches for kind "${ref.kind}" in group "${group}"`;
      ctx.recorder.event(obj, "Warning", "FailedGetScale", err);
      set("AbleToScale", false, "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${err}`);
      return writeStatus(original);
    }
    set("AbleToScale", true, "SucceededGetScale", "the HPA controller was able to get the target's current scale");
    const currentReplicas = (target.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const h = (st.history ??= newHistory(currentReplicas, now));
    const min = spec.minReplicas ?? 1;
    const max = spec.maxReplicas;
    const keep = (metrics: MetricStatus[]) => ({ currentReplicas, desiredReplicas: original.desiredReplicas ?? 0, currentMetrics: metrics, lastScaleTime: original.lastScaleTime });

    let desired = 0;
    let reason = "";
    let rescale = true;
    let metrics: MetricStatus[] = [];
    if (currentReplicas === 0 && min !== 0) {
      rescale = false;
      set("ScalingActive", false, "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
    } else if (currentReplicas > max) {
      reason = "Current number of replicas above Spec.MaxReplicas";
      desired = max;
    } else if (currentReplicas < min) {
      reason = "Current number of replicas below Spec.MinReplicas";
      desired = min;
    } else {
      const m = await computeReplicasForMetrics(obj, target, currentReplicas, opts.metrics, ctx, (s, r, msg) => set("ScalingActive", s, r, msg));
      metrics = m.statuses;
      if (m.replicas === -1) {
        await writeStatus(keep(metrics));
        ctx.recorder.event(obj, "Warning", "FailedComputeMetricsReplicas", m.error ?? "");
        return;
      }
      desired = m.replicas;
      if (desired > currentReplicas) reason = `${m.metric} above target`;
      if (desired < currentReplicas) reason = "All metrics below target";
      const n = normalize(h, spec.behavior, currentReplicas, desired, min, max, now);
      set("AbleToScale", true, ...n.able);
      set("ScalingLimited", ...n.limited);
      desired = n.replicas;
      rescale = desired !== currentReplicas;
    }

    if (!rescale) return writeStatus({ ...keep(metrics), desiredReplicas: currentReplicas });
    try {
      await ctx.client.patch(resource, obj.metadata.namespace ?? "", ref.name, { spec: { replicas: desired } });
    } catch (e) {
      const msg = (e as Error).message;
      ctx.recorder.event(obj, "Warning", "FailedRescale", `New size: ${desired}; reason: ${reason}; error: ${msg}`);
      set("AbleToScale", false, "FailedUpdateScale", `the HPA controller was unable to update the target scale: ${msg}`);
      await writeStatus(keep(metrics));
      throw e;
    }
    set("AbleToScale", true, "SucceededRescale", `the HPA controller was able to update the target scale to ${desired}`);
    ctx.recorder.event(obj, "Normal", "SuccessfulRescale", `New size: ${desired}; reason: ${reason}`);
    recordScale(h, spec.behavior, currentReplicas, desired, now);
    await writeStatus({ currentReplicas, desiredReplicas: desired, currentMetrics: metrics, lastScaleTime: rfc3339(now) });
  }

  return {
    name: "horizontalpodautoscaler",
    component: "horizontal-pod-autoscaler",
    primary: HPAS,
    watches: [
      { resource: "deployments.apps", map: targetToHpas("Deployment") },
      { resource: "statefulsets.apps", map: targetToHpas("StatefulSet") },
      { resource: "pods", map: podToHpas },
    ],
    async reconcile(key, ctx) {
      const id = `${key.namespace}/${key.name}`;
      const obj = ctx.lister.get(HPAS, key.namespace, key.name);
      if (!obj) {
        state.delete(id);
        return;
      }
      const now = ctx.now();
      let s = state.get(id);
      if (!s || s.uid !== obj.metadata.uid) state.set(id, (s = { uid: obj.metadata.uid, lastSync: -Infinity }));
      // Periodic, as in Kubernetes: between two looks only a spec change counts.
      if (now - s.lastSync < SYNC_PERIOD_MS && s.generation === obj.metadata.generation) return { requeueAfterMs: s.lastSync + SYNC_PERIOD_MS - now };
      await reconcileAutoscaler(obj, s, ctx);
      Object.assign(s, { lastSync: now, generation: obj.metadata.generation });
      return { requeueAfterMs: SYNC_PERIOD_MS };
    },
  };
}
