/**
 * What the StatefulSet, DaemonSet, Job and CronJob controllers share beyond
 * controllers/common/: status writes in Go's omitempty form that skip
 * no-op updates, and whether a pod has finished. Candidates for common/.
 */
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import { omitEmpty, statusChanged } from "../common/status.js";
import type { ReconcileContext, Resource } from "../types.js";

/**
 * Write status through /status when it changed (a no-op write would wake
 * every watcher). `keep` names the fields Go serialises even when zero.
 */
export async function writeStatus(ctx: ReconcileContext, resource: Resource, obj: KObject, status: object, keep: readonly string[] = []): Promise<void> {
  const next = JSON.parse(JSON.stringify(omitEmpty(status, keep))) as object;
  if (!statusChanged(obj.status ?? {}, next, keep)) return;
  await ctx.client.updateStatus(resource, { ...obj, status: next });
}

/** The pod ran to an end: Succeeded or Failed. */
export const isPodFinished = (p: Pod): boolean => p.status?.phase === "Succeeded" || p.status?.phase === "Failed";
