/**
 * NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods
 * that tolerate node.kubernetes.io/unschedulable:NoSchedule.
 */
import type { FilterPlugin } from "../framework.js";
import { tolerated } from "./taint-toleration.js";

const REASON = ["node(s) were unschedulable"];
const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export const nodeUnschedulable: FilterPlugin = {
  name: "NodeUnschedulable",
  preFilter({ pod }) {
    if (tolerated(pod.spec.tolerations ?? [], UNSCHEDULABLE_TAINT)) return {};
    return { filter: (node) => (node.unschedulable ? REASON : undefined) };
  },
};
