/** autoscaling/v2 HorizontalPodAutoscaler: scale a workload on observed utilisation. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Metric = { type: string; resource?: { name: string; target?: { type?: string; averageUtilization?: number; averageValue?: string } } };
type Spec = { scaleTargetRef?: { kind?: string; name?: string }; minReplicas?: number; maxReplicas?: number; metrics?: Metric[] };
type Status = { currentReplicas?: number; currentMetrics?: { type: string; resource?: { name: string; current?: { averageUtilization?: number; averageValue?: string } } }[] };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;
const st = (o: KObject) => (o.status ?? {}) as Status;

function targets(o: KObject): string {
  const parts = (spec(o).metrics ?? []).map((m) => {
    if (m.type !== "Resource" || !m.resource) return `<unknown>/${m.type}`;
    const cur = st(o).currentMetrics?.find((c) => c.type === "Resource" && c.resource?.name === m.resource?.name)?.resource?.current;
    if (m.resource.target?.type === "Utilization") return `${m.resource.name}: ${cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : "<unknown>"}/${m.resource.target.averageUtilization}%`;
    return `${m.resource.name}: ${cur?.averageValue ?? "<unknown>"}/${m.resource.target?.averageValue ?? ""}`;
  });
  return parts.join(", ") || "<none>";
}

export const horizontalPodAutoscaler: KindDef = {
  group: "autoscaling",
  version: "v2",
  kind: "HorizontalPodAutoscaler",
  plural: "horizontalpodautoscalers",
  singular: "horizontalpodautoscaler",
  namespaced: true,
  shortNames: ["hpa"],
  categories: ["all"],
  schemaName: "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
  schema: definitions["io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler"],
  columns: [
    nameColumn,
    { name: "Reference", type: "string", description: "The target of the autoscaler.", cell: (o) => `${spec(o).scaleTargetRef?.kind ?? ""}/${spec(o).scaleTargetRef?.name ?? ""}` },
    { name: "Targets", type: "string", description: "Current and target metric values.", cell: targets },
    { name: "MinPods", type: "string", description: "Lower limit of replicas.", cell: (o) => String(spec(o).minReplicas ?? 1) },
    { name: "MaxPods", type: "integer", description: "Upper limit of replicas.", cell: (o) => spec(o).maxReplicas ?? 0 },
    { name: "Replicas", type: "integer", description: "Current number of replicas.", cell: (o) => st(o).currentReplicas ?? 0 },
    ageColumn,
  ],
  strategy: {
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      s.minReplicas ??= 1;
      s.metrics ??= [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
    },
  },
  subresources: { status: true },
};
