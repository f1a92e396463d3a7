/** policy/v1 PodDisruptionBudget: how many of a set of pods voluntary disruptions (evictions, drains) must leave. */
import { definitions } from "../../../schemas/generated/index.js";
import { ApiError, fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { selectorFromLabelSelector, type LabelSelector } from "../../../apimachinery/selectors/labels.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { ActionOutcome, KindDef, KObject, StrategyContext } from "../../types.js";
import { isPodReady, type Pod } from "../../../controllers/common/pods.js";
import { setCondition, type Condition } from "../../../controllers/common/conditions.js";
import { validIntOrPercent } from "../apps/rolling-update.js";

export const PDB = "poddisruptionbudgets.policy";
/** How long an eviction stays counted against its budget while the pod is still there (DeletionTimeout). */
export const DISRUPTION_TIMEOUT_MS = 2 * 60_000;

export interface BudgetSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: LabelSelector | null;
  unhealthyPodEvictionPolicy?: "IfHealthyBudget" | "AlwaysAllow";
}

/** The status the disruption controller (src/controllers/disruption) keeps and evictions spend. */
export interface BudgetStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed?: number;
  currentHealthy?: number;
  desiredHealthy?: number;
  expectedPods?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
}

const spec = (o: KObject) => (o.spec ?? {}) as BudgetSpec;

/** The pods a budget selects: policy/v1 reads an empty selector as all pods of the namespace, a missing one as none. */
export function selects(pdb: KObject, pod: KObject): boolean {
  const sel = spec(pdb).selector;
  if (!sel) return false;
  return pod.metadata.namespace === pdb.metadata.namespace && selectorFromLabelSelector(sel)(pod.metadata.labels);
}

function violation(detail: string): ApiError {
  return new ApiError(429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.", { causes: [{ reason: "DisruptionBudget", message: detail }] });
}

/**
 * The pod as an eviction leaves it before the delete (addConditionAndDeletePod):
 * with DisruptionTarget=True, reason EvictionByEvictionAPI, so a Job's
 * podFailurePolicy, and anyone looking, can tell an eviction from a crash.
 * An existing True DisruptionTarget keeps its transition time (SetCondition).
 */
function disrupted(pod: KObject, ctx: StrategyContext, update: KObject[] = []): ActionOutcome {
  const st = (pod.status ?? {}) as { conditions?: Condition[] };
  const conditions = setCondition(st.conditions, { type: "DisruptionTarget", status: "True", reason: "EvictionByEvictionAPI", message: "Eviction API: evicting", lastTransitionTime: ctx.nowRfc3339 });
  return { result: "delete", update, statusBeforeDelete: { ...pod, status: { ...st, conditions } } };
}

/**
 * pods/eviction, as kube-apiserver decides it: pods that are not running
 * (Pending, finished) or already terminating go at once; otherwise the one
 * budget selecting the pod must allow a disruption, which the eviction
 * spends (and records the pod under disruptedPods) in the same write as the
 * delete. An unready pod may go while the budget is met (IfHealthyBudget) or
 * always (AlwaysAllow). 429 otherwise, which `kubectl drain` retries. An
 * evicted pod gets the DisruptionTarget condition before its deletion.
 */
export function evict(pod: KObject, budgets: KObject[], ctx: StrategyContext): ActionOutcome {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (pod.metadata.deletionTimestamp || phase === "Pending" || phase === "Succeeded" || phase === "Failed") return disrupted(pod, ctx);
  const matching = budgets.filter((b) => selects(b, pod));
  if (matching.length > 1) throw new ApiError(500, "InternalError", "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
  const pdb = matching[0];
  if (!pdb) return disrupted(pod, ctx);
  const st = (pdb.status ?? {}) as BudgetStatus;
  if (!isPodReady(pod as Pod)) {
    const policy = spec(pdb).unhealthyPodEvictionPolicy ?? "IfHealthyBudget";
    if (policy === "AlwaysAllow" || (st.observedGeneration !== undefined && (st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0))) return disrupted(pod, ctx);
  }
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 1)) throw violation(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`);
  if ((st.disruptionsAllowed ?? 0) <= 0) throw violation(`The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
  st.disruptionsAllowed = (st.disruptionsAllowed ?? 0) - 1;
  st.disruptedPods = { ...st.disruptedPods, [pod.metadata.name ?? ""]: ctx.nowRfc3339 };
  pdb.status = st;
  return disrupted(pod, ctx, [pdb]);
}
const intOrPercent = (v: number | string | undefined) => (v === undefined ? "N/A" : String(v));


export const podDisruptionBudget: KindDef = {
  group: "policy",
  version: "v1",
  kind: "PodDisruptionBudget",
  plural: "poddisruptionbudgets",
  singular: "poddisruptionbudget",
  namespaced: true,
  shortNames: ["pdb"],
  schemaName: "io.k8s.api.policy.v1.PodDisruptionBudget",
  schema: definitions["io.k8s.api.policy.v1.PodDisruptionBudget"],
  columns: [
    nameColumn,
    { name: "Min Available", type: "string", description: "The minimum number of pods that must be available.", cell: (o) => intOrPercent(spec(o).minAvailable) },
    { name: "Max Unavailable", type: "string", description: "The maximum number of pods that may be unavailable.", cell: (o) => intOrPercent(spec(o).maxUnavailable) },
    { name: "Allowed Disruptions", type: "integer", description: "Number of pod disruptions that are currently allowed.", cell: (o) => ((o.status ?? {}) as BudgetStatus).disruptionsAllowed ?? 0 },
    ageColumn,
  ],
  strategy: {
    validate(o) {
      const s = spec(o);
      const errs: FieldError[] = [];
      if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) errs.push(fieldErrors.invalid("spec", s, "minAvailable and maxUnavailable cannot be both set"));
      validIntOrPercent("spec.minAvailable", s.minAvailable, errs);
      validIntOrPercent("spec.maxUnavailable", s.maxUnavailable, errs);
      return errs;
    },
  },
  subresources: { status: true },
};
