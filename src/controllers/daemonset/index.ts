/**
 * The DaemonSet controller, after kube-controller-manager's
 * (pkg/controller/daemon, 1.30): one pod on every node the template fits
 * (nodeSelector, required node affinity, taints against its tolerations plus
 * the daemon defaults), added when nodes appear or start to fit, removed
 * when they go or stop fitting, replaced when failed, and rolled to a new
 * template within maxUnavailable, or surging within maxSurge.
 *
 * Pods are pinned with required node affinity on metadata.name, as
 * Kubernetes has done since 1.12 rather than setting spec.nodeName: the
 * scheduler then binds them, so they count against the node's resources,
 * get PodScheduled and its events, and wait visibly when they do not fit.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { computeHash } from "../common/hash.js";
import { claim, ownerOrSelector, ownerSelector } from "../common/owner-refs.js";
import { createPod, deletePod } from "../common/pod-control.js";
import { availableInMs, isPodReady, type Pod } from "../common/pods.js";
import { SLOW_START_INITIAL_BATCH, slowStartBatch } from "../common/slow-start.js";
import { controllerOf, keyOf, type Controller, type KeyMapper, type ReconcileContext } from "../types.js";
import { recordRevision, REVISIONS } from "../common/history.js";
import { isPodFinished } from "../common/pods.js";
import { writeStatus } from "../common/status.js";
import { pinToNode } from "./node-fit.js";
import { daemonTemplate, nodeViews, REVISION_LABEL, type DaemonSet, type NodeObject, type NodeView } from "./nodes.js";
import { allowsSurge, podsToReplace, surgeExtras, surgeUpdate } from "./update.js";

const RESOURCE = "daemonsets.apps";

/** A node changed: any DaemonSet may now want (or not want) a pod there. */
const everyDaemonSet: KeyMapper = (_node, lister) => lister.list(RESOURCE).map(keyOf);

/**
 * manage: which nodes need a pod and which pods must go (finished ones,
 * extras beyond the oldest, or beyond an old and a new one while surging,
 * ones on nodes that no longer fit).
 */
function plan(ctx: ReconcileContext, ds: DaemonSet, hash: string, views: NodeView[]): { create: string[]; remove: Pod[] } {
  const surge = allowsSurge(ds);
  const create: string[] = [];
  const remove: Pod[] = [];
  for (const v of views) {
    const live = v.pods.filter((p) => !p.metadata.deletionTimestamp);
    if (!v.shouldContinueRunning) {
      remove.push(...live);
      continue;
    }
    const running: Pod[] = [];
    for (const p of live) {
      if (!isPodFinished(p)) running.push(p);
      else {
        if (p.status?.phase === "Failed") ctx.recorder.event(ds, "Warning", "FailedDaemonPod", `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${v.name}, will try to kill it`);
        remove.push(p);
      }
    }
    if (v.shouldRun && !running.length) create.push(v.name);
    remove.push(...(surge ? surgeExtras(ds, hash, running, ctx.now()) : running.slice(1)));
  }
  return { create, remove };
}

/** syncNodes: delete, then create pinned pods in slow-start batches. Whether anything was written. */
async function syncNodes(ctx: ReconcileContext, ds: DaemonSet, template: PodTemplateSpec, create: string[], remove: Pod[], gone: Pod[] = []): Promise<boolean> {
  await Promise.all([
    ...remove.map((p) => deletePod(ctx, p, ds)),
    // No kubelet is left to confirm a graceful deletion on a node that is gone.
    ...gone.map((p) => ctx.client.delete("pods", p.metadata.namespace ?? "", p.metadata.name ?? "", { gracePeriodSeconds: 0 })),
  ]);
  const { error } = await slowStartBatch(create.length, SLOW_START_INITIAL_BATCH, (i) => {
    const t = structuredClone(template);
    pinToNode(t.spec!, create[i]);
    return createPod(ctx, t, ds);
  });
  if (error !== undefined) throw error;
  return create.length + remove.length + gone.length > 0;
}

/** updateDaemonSetStatus: counted per node that should run a pod, from its oldest scheduled pod. */
function computeStatus(ds: DaemonSet, hash: string, views: NodeView[], now: number) {
  let [desired, current, ready, available, updated, misscheduled] = [0, 0, 0, 0, 0, 0];
  let requeueAfterMs: number | undefined;
  for (const v of views) {
    if (!v.shouldRun) {
      if (v.pods.length) misscheduled++;
      continue;
    }
    desired++;
    const pod = v.pods[0];
    if (!pod) continue;
    current++;
    if (isPodReady(pod)) {
      ready++;
      const wait = availableInMs(pod, ds.spec.minReadySeconds, now);
      if (wait === 0) available++;
      else if (wait !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? wait, wait);
    }
    if (pod.metadata.labels?.[REVISION_LABEL] === hash) updated++;
  }
  const status = {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: ds.metadata.generation,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
  return { status, requeueAfterMs };
}

/** DaemonSetStatus fields without omitempty. */
const STATUS_KEEP = ["currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady"];

export const daemonSetController: Controller = {
  name: "daemonset",
  primary: RESOURCE,
  watches: [
    { resource: "pods", map: ownerOrSelector("DaemonSet", RESOURCE) },
    { resource: REVISIONS, map: controllerOf("DaemonSet") },
    { resource: "nodes", map: everyDaemonSet },
  ],
  async reconcile(key, ctx) {
    const ds = ctx.lister.get(RESOURCE, key.namespace, key.name) as DaemonSet | undefined;
    if (!ds || ds.metadata.deletionTimestamp) return;
    const hash = computeHash(ds.spec.template);
    const template = daemonTemplate(ds, hash);
    const running = ctx.lister.ownedBy("pods", ds.metadata.uid ?? "").map((p) => `${ds.metadata.name}-${p.metadata.labels?.[REVISION_LABEL] ?? ""}`);
    await recordRevision(ctx, ds, hash, ds.spec.template, { [REVISION_LABEL]: hash }, new Set(running));
    const nodes = ctx.lister.list("nodes") as NodeObject[];
    const look = async () => nodeViews(template, nodes, await claim(ctx, "pods", ds, ownerSelector(ds), ctx.lister.claimable("pods", key.namespace, ds.metadata.uid ?? "")));

    const first = await look();
    let views = first.views;
    const { create, remove } = plan(ctx, ds, hash, views);
    let wrote = await syncNodes(ctx, ds, template, create, remove, first.stranded.filter((p) => !p.metadata.deletionTimestamp));
    // As Kubernetes' expectations do: roll only once the pods this pass made or removed are seen.
    if (!wrote && ds.spec.updateStrategy?.type !== "OnDelete") {
      const roll = allowsSurge(ds) ? surgeUpdate(ds, hash, views, ctx.now()) : { create: [], remove: podsToReplace(ds, hash, views, ctx.now()) };
      wrote = await syncNodes(ctx, ds, template, roll.create, roll.remove);
    }
    if (wrote) ({ views } = await look());

    const { status, requeueAfterMs } = computeStatus(ds, hash, views, ctx.now());
    await writeStatus(ctx, RESOURCE, ds, status, STATUS_KEEP);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  },
};
