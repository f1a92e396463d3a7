/** metrics.k8s.io/v1beta1 PodMetrics: per-container usage reported by node agents; read by `kubectl top pods` and the HPA. */
import { metricsDefinitions } from "../../../schemas/extra/metrics-v1beta1.js";
import { nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type C = { name: string; usage?: { cpu?: string; memory?: string } };
const containers = (o: KObject) => (o.containers as C[] | undefined) ?? [];

export const podMetrics: KindDef = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  kind: "PodMetrics",
  plural: "pods",
  singular: "",
  namespaced: true,
  schemaName: "io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics",
  schema: metricsDefinitions["io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics"],
  columns: [
    nameColumn,
    { name: "CPU", type: "string", description: "CPU usage of each container.", cell: (o) => containers(o).map((c) => c.usage?.cpu ?? "0").join(",") },
    { name: "Memory", type: "string", description: "Memory usage of each container.", cell: (o) => containers(o).map((c) => c.usage?.memory ?? "0").join(",") },
    { name: "Window", type: "string", description: "The window the usage was measured over.", cell: (o) => String(o.window ?? "") },
  ],
};
