/** core/v1 Node: a worker host, registered and kept fresh by its agent. */
import { definitions } from "../../../schemas/generated/index.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type NodeStatus = {
  conditions?: { type: string; status: string }[];
  addresses?: { type: string; address: string }[];
  nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
};
const st = (o: KObject) => (o.status ?? {}) as NodeStatus;
const addr = (o: KObject, type: string) => st(o).addresses?.find((a) => a.type === type)?.address ?? "<none>";

export function nodeReadyStatus(o: KObject): string {
  const ready = st(o).conditions?.find((c) => c.type === "Ready");
  let s = !ready ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
  if ((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable) s += ",SchedulingDisabled";
  return s;
}

export const node: KindDef = {
  group: "",
  version: "v1",
  kind: "Node",
  plural: "nodes",
  singular: "node",
  namespaced: false,
  shortNames: ["no"],
  schemaName: "io.k8s.api.core.v1.Node",
  schema: definitions["io.k8s.api.core.v1.Node"],
  fieldSelectors: { "spec.unschedulable": (o) => String(!!(o.spec as { unschedulable?: boolean } | undefined)?.unschedulable) },
  columns: [
    nameColumn,
    { name: "Status", type: "string", description: "The status of the node", cell: nodeReadyStatus },
    {
      name: "Roles",
      type: "string",
      description: "The roles of the node",
      cell: (o) => {
        const roles = Object.keys(o.metadata.labels ?? {})
          .filter((k) => k.startsWith("node-role.kubernetes.io/"))
          .map((k) => k.slice("node-role.kubernetes.io/".length))
          .filter(Boolean);
        return roles.sort().join(",") || "<none>";
      },
    },
    ageColumn,
    { name: "Version", type: "string", description: "Kubelet Version reported by the node.", cell: (o) => st(o).nodeInfo?.kubeletVersion ?? "" },
    { name: "Internal-IP", type: "string", priority: 1, description: "List of internal IPs.", cell: (o) => addr(o, "InternalIP") },
    { name: "External-IP", type: "string", priority: 1, description: "List of external IPs.", cell: (o) => addr(o, "ExternalIP") },
    { name: "OS-Image", type: "string", priority: 1, description: "OS Image reported by the node.", cell: (o) => st(o).nodeInfo?.osImage || "<unknown>" },
    { name: "Kernel-Version", type: "string", priority: 1, description: "Kernel Version reported by the node.", cell: (o) => st(o).nodeInfo?.kernelVersion || "<unknown>" },
    { name: "Container-Runtime", type: "string", priority: 1, description: "Container Runtime Version reported by the node.", cell: (o) => st(o).nodeInfo?.containerRuntimeVersion || "<unknown>" },
  ],
  strategy: { allowStatusOnCreate: true },
  subresources: { status: true, proxied: ["proxy"] },
};
