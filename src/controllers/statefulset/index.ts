/**
 * The StatefulSet controller, after kube-controller-manager's
 * (pkg/controller/statefulset, 1.30): pods `${set}-${ordinal}` each with its
 * own claims, created in order and only once their predecessors are Running
 * and Ready (OrderedReady) or all at once (Parallel); scaled down from the
 * highest ordinal; failed pods replaced under the same name; RollingUpdate
 * from the highest ordinal down to the partition. Revisions are the
 * controller-revision-hash label `${set}-${hash(template)}` on pods, each
 * recorded as a ControllerRevision (common/history.ts) for `kubectl rollout
 * history|undo`. Claims are kept (Retain) unless the
 * persistentVolumeClaimRetentionPolicy says Delete.
 */
import type { KObject } from "../../registry/types.js";
import { errorMessage } from "../common/errors.js";
import { computeHash } from "../common/hash.js";
import { claim, ownerOrSelector, ownerSelector } from "../common/owner-refs.js";
import { availableInMs, type Pod } from "../common/pods.js";
import { controllerOf, type Controller, type ReconcileContext } from "../types.js";
import { recordRevision, REVISIONS } from "../common/history.js";
import { CLAIMS, ensureClaims, releaseClaims, setsOfClaim } from "./claims.js";
import { ordinalOf, REVISION_LABEL, statefulPod, templateOf, type StatefulSetObject } from "./identity.js";
import { computeStatus, healthy, STATUS_KEEP } from "./status.js";
import { isPodFinished } from "../common/pods.js";
import { writeStatus } from "../common/status.js";

const RESOURCE = "statefulsets.apps";

interface Revisions {
  current: string;
  update: string;
}

/** A write about one pod, recorded the way StatefulPodControl records it. */
async function podWrite(ctx: ReconcileContext, set: KObject, verb: "create" | "delete", pod: string, write: () => Promise<unknown>): Promise<void> {
  const what = `${verb} Pod ${pod} in StatefulSet ${set.metadata.name}`;
  const reason = verb === "create" ? "Create" : "Delete";
  try {
    await write();
  } catch (e) {
    ctx.recorder.event(set, "Warning", `Failed${reason}`, `${what} failed error: ${errorMessage(e)}`);
    throw e;
  }
  ctx.recorder.event(set, "Normal", `Successful${reason}`, `${what} successful`);
}

const deleteMember = (ctx: ReconcileContext, set: KObject, pod: Pod) =>
  podWrite(ctx, set, "delete", pod.metadata.name ?? "", () => ctx.client.delete("pods", pod.metadata.namespace ?? "", pod.metadata.name ?? ""));

/**
 * newVersionedStatefulSetPod: below the partition of an unfinished rollout a
 * pod is recreated at the current revision (copied from a sibling that still
 * runs it); otherwise at the update revision.
 */
function versionedPod(set: StatefulSetObject, pods: Pod[], ordinal: number, rev: Revisions): Pod {
  const u = set.spec.updateStrategy;
  if (u?.type === "RollingUpdate" && rev.current !== rev.update && ordinal < (set.spec.ordinals?.start ?? 0) + (u.rollingUpdate?.partition ?? 0)) {
    const sibling = pods.find((p) => p.metadata.labels?.[REVISION_LABEL] === rev.current && !p.metadata.deletionTimestamp);
    if (sibling) return statefulPod(set, templateOf(sibling), ordinal, rev.current);
  }
  return statefulPod(set, set.spec.template, ordinal, rev.update);
}

/** One pass of updateStatefulSet: create/replace, then scale down, then roll; stop where the policy says to wait. */
async function sync(ctx: ReconcileContext, set: StatefulSetObject, pods: Pod[], rev: Revisions): Promise<void> {
  const spec = set.spec;
  const monotonic = spec.podManagementPolicy !== "Parallel";
  const start = spec.ordinals?.start ?? 0;
  const end = start + (spec.replicas ?? 1);
  const byOrdinal = new Map<number, Pod>();
  const condemned: Pod[] = [];
  for (const p of pods) {
    const ord = ordinalOf(set, p);
    if (ord >= start && ord < end) byOrdinal.set(ord, p);
    else if (ord >= 0) condemned.push(p);
  }
  condemned.sort((a, b) => ordinalOf(set, b) - ordinalOf(set, a));

  for (let ord = start; ord < end; ord++) {
    const pod = byOrdinal.get(ord);
    if (pod && isPodFinished(pod)) {
      const failed = pod.status?.phase === "Failed";
      ctx.recorder.event(set, "Warning", failed ? "RecreatingFailedPod" : "RecreatingTerminatedPod", `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ${failed ? "failed" : "terminated"} Pod ${pod.metadata.name}`);
      if (!pod.metadata.deletionTimestamp) await deleteMember(ctx, set, pod);
      return; // the replacement is created once the old pod is gone
    }
    if (!pod) {
      const fresh = versionedPod(set, pods, ord, rev);
      const name = fresh.metadata.name ?? "";
      await ensureClaims(ctx, set, ord, name);
      await podWrite(ctx, set, "create", name, () => ctx.client.create("pods", fresh));
      if (monotonic) return;
      continue;
    }
    if (pod.status?.phase === "Pending") await ensureClaims(ctx, set, ord, pod.metadata.name ?? "");
    if (monotonic && (!healthy(pod) || availableInMs(pod, spec.minReadySeconds, ctx.now()) !== 0)) return;
  }

  for (const pod of condemned) {
    if (pod.metadata.deletionTimestamp) {
      if (monotonic) return;
      continue;
    }
    const ord = ordinalOf(set, pod);
    if (monotonic && pods.some((p) => ordinalOf(set, p) < ord && !healthy(p))) return;
    if (spec.persistentVolumeClaimRetentionPolicy?.whenScaled === "Delete") await releaseClaims(ctx, set, pod);
    await deleteMember(ctx, set, pod);
    if (monotonic) return;
  }

  if (spec.updateStrategy?.type === "OnDelete") return;
  for (let ord = end - 1; ord >= start + (spec.updateStrategy?.rollingUpdate?.partition ?? 0); ord--) {
    const pod = byOrdinal.get(ord);
    if (!pod) return;
    if (pod.metadata.labels?.[REVISION_LABEL] !== rev.update && !pod.metadata.deletionTimestamp) {
      await deleteMember(ctx, set, pod);
      return;
    }
    if (!healthy(pod)) return;
  }
}

/** The set's pods: ClaimPods over the pods named as its members (adopting matching orphans). */
function podsOf(ctx: ReconcileContext, set: StatefulSetObject): Promise<Pod[]> {
  const members = (ctx.lister.list("pods", set.metadata.namespace ?? "") as Pod[]).filter((p) => ordinalOf(set, p) >= 0);
  return claim(ctx, "pods", set, ownerSelector(set), members);
}

export const statefulSetController: Controller = {
  name: "statefulset",
  primary: RESOURCE,
  watches: [
    { resource: "pods", map: ownerOrSelector("StatefulSet", RESOURCE) },
    { resource: REVISIONS, map: controllerOf("StatefulSet") },
    { resource: CLAIMS, map: setsOfClaim(RESOURCE) },
  ],
  async reconcile(key, ctx) {
    const set = ctx.lister.get(RESOURCE, key.namespace, key.name) as StatefulSetObject | undefined;
    if (!set || set.metadata.deletionTimestamp) return;
    const hash = computeHash(set.spec.template);
    const update = `${set.metadata.name}-${hash}`;
    const rev = { current: set.status?.currentRevision || update, update };
    const pods = await podsOf(ctx, set);
    const live = new Set([rev.current, rev.update, ...pods.map((p) => p.metadata.labels?.[REVISION_LABEL] ?? "")]);
    await recordRevision(ctx, set, hash, set.spec.template, {}, live);
    await sync(ctx, set, pods, rev);
    const { status, requeueAfterMs } = computeStatus(set, await podsOf(ctx, set), rev, ctx.now());
    await writeStatus(ctx, RESOURCE, set, status, STATUS_KEEP);
    return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
  },
};
