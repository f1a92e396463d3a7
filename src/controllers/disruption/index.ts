/**
 * The disruption controller: for every PodDisruptionBudget, how many of the
 * pods it selects are healthy (Ready, not terminating, not just evicted), how
 * many must stay (desiredHealthy, from minAvailable or maxUnavailable), and so
 * how many voluntary disruptions are allowed now. The eviction subresource
 * reads that status, and spends it, in the pods' own store (pod.ts), so
 * `kubectl drain` stops where a budget says so.
 *
 * As Kubernetes: an integer minAvailable counts the selected pods; a
 * percentage or maxUnavailable counts the replicas their controllers want
 * (a Deployment through its ReplicaSet, a StatefulSet, a ReplicaSet). A pod
 * with no controller then makes the budget allow nothing (SyncFailed).
 * Evicted pods stay counted as disrupted for two minutes or until they are
 * gone, so a budget is not spent twice before the pod disappears.
 */
import type { KObject } from "../../registry/types.js";
import { deepEqual } from "../../apimachinery/objects.js";
import { DISRUPTION_TIMEOUT_MS, PDB, selects, type BudgetSpec, type BudgetStatus } from "../../registry/kinds/policy/poddisruptionbudget.js";
import { isPodReady, type Pod } from "../common/pods.js";
import { scaledValue } from "../common/intstr.js";
import { setCondition, type Condition } from "../common/conditions.js";
import { rfc3339 } from "../common/time.js";
import { keyOf, self, type Controller, type Lister, type ObjectKey } from "../types.js";

const budgetsOf = (pod: KObject, lister: Lister): ObjectKey[] => lister.list(PDB, pod.metadata.namespace).filter((b) => selects(b, pod)).map(keyOf);

/** The replicas the pod's controller wants, and who that is (undefined: no controller found). */
function controllerScale(pod: KObject, lister: Lister): { uid: string; replicas: number } | undefined {
  const ref = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (!ref) return undefined;
  const ns = pod.metadata.namespace ?? "";
  const replicasOf = (o: KObject | undefined) => ((o?.spec ?? {}) as { replicas?: number }).replicas ?? 1;
  if (ref.kind === "ReplicaSet") {
    const rs = lister.get("replicasets.apps", ns, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return undefined;
    const dRef = (rs.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === "Deployment");
    const d = dRef ? lister.get("deployments.apps", ns, dRef.name) : undefined;
    if (d && d.metadata.uid === dRef?.uid) return { uid: d.metadata.uid ?? "", replicas: replicasOf(d) };
    return { uid: rs.metadata.uid ?? "", replicas: replicasOf(rs) };
  }
  if (ref.kind === "StatefulSet") {
    const ss = lister.get("statefulsets.apps", ns, ref.name);
    return ss && ss.metadata.uid === ref.uid ? { uid: ss.metadata.uid ?? "", replicas: replicasOf(ss) } : undefined;
  }
  return undefined;
}

/** The status a budget should have now. */
export function budgetStatus(pdb: KObject, pods: Pod[], lister: Lister, now: number): BudgetStatus {
  const spec = (pdb.spec ?? {}) as BudgetSpec;
  const old = (pdb.status ?? {}) as BudgetStatus;
  const live = new Set(pods.map((p) => p.metadata.name));
  // Evictions still in flight: the pod is there and was evicted less than the timeout ago.
  const disrupted: Record<string, string> = {};
  for (const [name, at] of Object.entries(old.disruptedPods ?? {})) {
    const pod = pods.find((p) => p.metadata.name === name);
    if (live.has(name) && !pod?.metadata.deletionTimestamp && Date.parse(at) + DISRUPTION_TIMEOUT_MS > now) disrupted[name] = at;
  }
  const healthy = pods.filter((p) => !p.metadata.deletionTimestamp && isPodReady(p) && !disrupted[p.metadata.name ?? ""]).length;

  let expected: number;
  let desired: number;
  let failure: string | undefined;
  if (spec.maxUnavailable === undefined && typeof spec.minAvailable === "number") {
    expected = pods.length;
    desired = spec.minAvailable;
  } else {
    const controllers = new Map<string, number>();
    for (const p of pods) {
      const c = controllerScale(p, lister);
      if (!c) {
        failure = `found no controllers for pod "${p.metadata.name}"`;
        break;
      }
      controllers.set(c.uid, c.replicas);
    }
    expected = [...controllers.values()].reduce((a, b) => a + b, 0);
    if (spec.maxUnavailable !== undefined) desired = Math.max(0, expected - scaledValue(spec.maxUnavailable, expected, true));
    else desired = scaledValue(spec.minAvailable ?? 0, expected, true);
  }
  const allowed = failure ? 0 : Math.max(0, healthy - desired);
  const condition: Condition = failure
    ? { type: "DisruptionAllowed", status: "False", reason: "SyncFailed", message: failure, lastTransitionTime: rfc3339(now) }
    : allowed > 0
      ? { type: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: "", lastTransitionTime: rfc3339(now) }
      : { type: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: "", lastTransitionTime: rfc3339(now) };
  return {
    observedGeneration: pdb.metadata.generation ?? 1,
    ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    disruptionsAllowed: allowed,
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: setCondition(old.conditions, condition),
  };
}

export const disruptionController: Controller = {
  name: "disruption",
  component: "controllermanager",
  primary: PDB,
  watches: [
    { resource: PDB, map: self },
    { resource: "pods", map: budgetsOf },
  ],
  async reconcile(key, ctx) {
    const pdb = ctx.lister.get(PDB, key.namespace, key.name);
    if (!pdb || pdb.metadata.deletionTimestamp) return;
    const pods = ctx.lister.list("pods", key.namespace).filter((p) => selects(pdb, p)) as Pod[];
    const status = budgetStatus(pdb, pods, ctx.lister, ctx.now());
    if (!deepEqual(status, pdb.status ?? {})) await ctx.client.updateStatus(PDB, { ...pdb, status });
    // Recheck when an eviction's hold on the budget runs out.
    const pending = Object.values(status.disruptedPods ?? {}).map((at) => Date.parse(at) + DISRUPTION_TIMEOUT_MS - ctx.now());
    if (pending.length) return { requeueAfterMs: Math.max(1_000, Math.min(...pending)) };
  },
};
