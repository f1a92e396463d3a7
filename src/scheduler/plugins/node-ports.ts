/**
 * NodePorts: a pod's host ports must be free on the node, per protocol and
 * host IP (0.0.0.0 clashes with every IP).
 */
import type { FilterPlugin } from "../framework.js";

const REASON = ["node(s) didn't have free ports for the requested pod ports"];

export const nodePorts: FilterPlugin = {
  name: "NodePorts",
  preFilter({ pod }) {
    const wanted = pod.hostPorts;
    if (wanted.length === 0) return {};
    return { filter: (node) => (wanted.some((hp) => node.portConflict(hp)) ? REASON : undefined) };
  },
};
