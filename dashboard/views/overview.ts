/**
 * The cluster at a glance, the page a person lands on: nodes with readiness,
 * CPU and memory use against allocatable (from the NodeMetrics the agents
 * report), pods per node, and the namespaces. Rendered as soon as the nodes
 * list arrives; metrics and pods fill in when theirs do.
 */
import { age, bar, h, table } from "../dom.js";
import type { KObj } from "../informer.js";
import { K, objectPath } from "../kinds.js";
import { formatBytes, formatCpu, parseQuantity } from "../quantity.js";
import { informerNote, section, yamlLink } from "./common.js";
import type { View } from "./types.js";

type NodeObj = KObj & {
  spec?: { unschedulable?: boolean };
  status?: { allocatable?: Record<string, string>; capacity?: Record<string, string>; conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string } };
};
type Metrics = KObj & { usage?: { cpu?: string; memory?: string } };
type Pod = KObj & { spec?: { nodeName?: string }; status?: { phase?: string } };

export function nodeReady(n: NodeObj): string {
  const ready = n.status?.conditions?.find((c) => c.type === "Ready");
  const s = ready?.status === "True" ? "Ready" : "NotReady";
  return n.spec?.unschedulable ? `${s},SchedulingDisabled` : s;
}

function usageBar(used: number | undefined, total: number | undefined, fmt: (n: number) => string): HTMLElement {
  if (used === undefined) return bar(undefined, "no metrics");
  if (!total) return bar(undefined, fmt(used));
  return bar(used / total, `${fmt(used)} / ${fmt(total)} (${Math.round((used / total) * 100)}%)`);
}

export const overview: View = {
  title: "Overview",
  needs: [K.nodes, K.nodemetrics, K.pods, K.namespaces],
  render(ctx) {
    const nodesInf = ctx.inf<NodeObj>(K.nodes);
    const metrics = ctx.inf<Metrics>(K.nodemetrics);
    const podsInf = ctx.inf<Pod>(K.pods);
    const nsInf = ctx.inf(K.namespaces);
    const live = podsInf.list().filter((p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed");
    const perNode = new Map<string, number>();
    const perNs = new Map<string, number>();
    for (const p of live) {
      if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
      perNs.set(p.metadata.namespace ?? "", (perNs.get(p.metadata.namespace ?? "") ?? 0) + 1);
    }
    const nodes = nodesInf.list().sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    const ready = nodes.filter((n) => nodeReady(n).startsWith("Ready")).length;
    const running = live.filter((p) => p.status?.phase === "Running").length;
    const rows = nodes.map((n) => {
      const m = metrics.items.get(n.metadata.name);
      const alloc = n.status?.allocatable ?? n.status?.capacity ?? {};
      const status = nodeReady(n);
      return h(
        "tr",
        { "data-name": n.metadata.name },
        h("td", null, yamlLink(objectPath(K.nodes, n.metadata.name), n.metadata.name)),
        h("td", { class: status.startsWith("Ready") ? "good" : "bad" }, status),
        h("td", { class: "barcell" }, usageBar(parseQuantity(m?.usage?.cpu), parseQuantity(alloc.cpu), formatCpu)),
        h("td", { class: "barcell" }, usageBar(parseQuantity(m?.usage?.memory), parseQuantity(alloc.memory), formatBytes)),
        h("td", { class: "num" }, `${perNode.get(n.metadata.name) ?? 0} / ${alloc.pods ?? "?"}`),
        h("td", null, n.status?.nodeInfo?.kubeletVersion ?? ""),
        h("td", null, age(n.metadata.creationTimestamp)),
      );
    });
    const nsRows = nsInf
      .list()
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name))
      .map((n) => {
        const phase = (n.status as { phase?: string } | undefined)?.phase ?? "";
        return h(
          "tr",
          { "data-name": n.metadata.name },
          h("td", null, yamlLink(objectPath(K.namespaces, n.metadata.name), n.metadata.name)),
          h("td", { class: phase === "Active" ? "good" : "warn" }, phase),
          h("td", { class: "num" }, String(perNs.get(n.metadata.name) ?? 0)),
          h("td", null, age(n.metadata.creationTimestamp)),
        );
      });
    return h(
      "div",
      null,
      h(
        "div",
        { class: "cards" },
        h("div", { class: "card", id: "card-nodes" }, h("b", null, `${ready}/${nodes.length}`), " nodes ready"),
        h("div", { class: "card", id: "card-pods" }, h("b", null, `${running}/${live.length}`), " pods running"),
        h("div", { class: "card" }, h("b", null, String(nsInf.items.size)), " namespaces"),
      ),
      section("Nodes", informerNote(nodesInf, "nodes"), metrics.error && !metrics.synced ? informerNote(metrics, "node metrics") : null, nodesInf.synced ? table("nodes", ["Name", "Status", "CPU", "Memory", "Pods", "Version", "Age"], rows, "No nodes have joined.") : null),
      section("Namespaces", informerNote(nsInf, "namespaces"), nsInf.synced ? table("namespaces", ["Name", "Status", "Pods", "Age"], nsRows) : null),
    );
  },
};
