/**
 * Status conditions of workload kinds (ReplicaSet, Deployment, StatefulSet,
 * DaemonSet, Job), with the update rules of Kubernetes' SetCondition helpers:
 * setting a condition with the same status and reason changes nothing, a
 * new one replaces the old one at the end of the list, and
 * lastTransitionTime only moves when the status does.
 */

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

export const getCondition = <C extends Condition>(conds: readonly C[] | undefined, type: string): C | undefined => conds?.find((c) => c.type === type);

/** The list with c set; undefined and empty lists are treated alike. */
export function setCondition<C extends Condition>(conds: readonly C[] | undefined, c: C): C[] {
  const cur = getCondition(conds, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return [...(conds ?? [])];
  const next = cur && cur.status === c.status ? { ...c, lastTransitionTime: cur.lastTransitionTime } : c;
  return [...(conds ?? []).filter((x) => x.type !== c.type), next];
}

/** The list without conditions of this type; undefined when none is left (omitempty). */
export function removeCondition<C extends Condition>(conds: readonly C[] | undefined, type: string): C[] | undefined {
  const rest = (conds ?? []).filter((c) => c.type !== type);
  return rest.length ? rest : undefined;
}
