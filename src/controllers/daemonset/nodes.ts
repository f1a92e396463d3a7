/**
 * The DaemonSet's view of the cluster for one pass: every node with where
 * its daemon pods stand (getNodesToDaemonPods plus NodeShouldRunDaemonPod),
 * and the pod template as daemon pods get it (the daemon tolerations and the
 * controller-revision-hash label).
 */
import type { DaemonSetSpec, DaemonSetStatus } from "kubernetes-types/apps/v1";
import type { NodeSpec, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import { timeMs } from "../common/time.js";
import { daemonTolerations, placement, targetNode, type Placement } from "./node-fit.js";

export type DaemonSet = KObject & { spec: DaemonSetSpec; status?: DaemonSetStatus };
export type NodeObject = KObject & { spec?: NodeSpec };

export const REVISION_LABEL = "controller-revision-hash";

/** util.CreatePodTemplate: the template with the daemon tolerations and the revision label. */
export function daemonTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const t = structuredClone(ds.spec.template);
  t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, [REVISION_LABEL]: hash } };
  t.spec!.tolerations = daemonTolerations(t.spec!);
  return t;
}

export interface NodeView extends Placement {
  name: string;
  /** The daemon pods targeting this node: scheduled ones first, then oldest first. */
  pods: Pod[];
}

/** podByCreationTimestampAndPhase. */
function scheduledThenOldest(a: Pod, b: Pod): number {
  if (!!a.spec?.nodeName !== !!b.spec?.nodeName) return a.spec?.nodeName ? -1 : 1;
  const [ta, tb] = [timeMs(a.metadata.creationTimestamp) ?? 0, timeMs(b.metadata.creationTimestamp) ?? 0];
  if (ta !== tb) return ta - tb;
  return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : 1;
}

/** Each node with its placement and pods, and the pods whose node does not exist (any more). */
export function nodeViews(template: PodTemplateSpec, nodes: NodeObject[], pods: Pod[]): { views: NodeView[]; stranded: Pod[] } {
  const byNode = new Map<string, Pod[]>();
  for (const p of pods) {
    const n = targetNode(p.spec!);
    if (n !== undefined) byNode.set(n, [...(byNode.get(n) ?? []), p]);
  }
  const views = nodes.map((node) => {
    const name = node.metadata.name ?? "";
    const view = { name, ...placement(template.spec!, node), pods: (byNode.get(name) ?? []).sort(scheduledThenOldest) };
    byNode.delete(name);
    return view;
  });
  return { views, stranded: [...byNode.values()].flat() };
}
