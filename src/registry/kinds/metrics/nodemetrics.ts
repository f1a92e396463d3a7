/** metrics.k8s.io/v1beta1 NodeMetrics: node usage reported by node agents; read by `kubectl top nodes`. */
import { metricsDefinitions } from "../../../schemas/extra/metrics-v1beta1.js";
import { nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

const usage = (o: KObject) => (o.usage as { cpu?: string; memory?: string } | undefined) ?? {};

export const nodeMetrics: KindDef = {
  group: "metrics.k8s.io",
  version: "v1beta1",
  kind: "NodeMetrics",
  plural: "nodes",
  singular: "",
  namespaced: false,
  schemaName: "io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics",
  schema: metricsDefinitions["io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics"],
  columns: [
    nameColumn,
    { name: "CPU", type: "string", description: "CPU usage.", cell: (o) => usage(o).cpu ?? "0" },
    { name: "Memory", type: "string", description: "Memory usage.", cell: (o) => usage(o).memory ?? "0" },
    { name: "Window", type: "string", description: "The window the usage was measured over.", cell: (o) => String(o.window ?? "") },
  ],
};
