/**
 * Controller history (k8s.io/kubernetes/pkg/controller/history), shared by
 * the StatefulSet and DaemonSet controllers: every pod template a workload
 * has run is a ControllerRevision named `<owner>-<hash>`, owned by it,
 * labelled like its pods, carrying the owner's annotations (kubectl's
 * change-cause) and, as data, the strategic merge patch that puts that
 * template back. `kubectl rollout history` lists them; `kubectl rollout
 * undo` applies one's data. Returning to an older template renumbers its
 * revision as the newest; old revisions beyond revisionHistoryLimit (10)
 * that no pod runs are deleted.
 */
import type { KObject } from "../../registry/types.js";
import type { ReconcileContext } from "../types.js";
import { controllerRef, isControlledBy } from "./owner-refs.js";
import { isAlreadyExists, isNotFound } from "./errors.js";

export const REVISIONS = "controllerrevisions.apps";
const DEFAULT_HISTORY_LIMIT = 10;

export type Revision = KObject & { revision: number; data?: unknown };

/** The owner's revisions, oldest first. */
export function historyOf(ctx: ReconcileContext, owner: KObject): Revision[] {
  return (ctx.lister.list(REVISIONS, owner.metadata.namespace ?? "") as Revision[]).filter((r) => isControlledBy(r, owner)).sort((a, b) => a.revision - b.revision);
}

/** The revision's data: a patch replacing spec.template (getPatch). */
export const templatePatch = (template: unknown) => ({ spec: { template: { ...(template as object), $patch: "replace" } } });

/**
 * Make the revision named `<owner>-<hash>` the newest one, creating it from
 * the template if it is new, and trim the history. `live` names revisions
 * still in use (the current and update revisions, those pods run).
 */
export async function recordRevision(ctx: ReconcileContext, owner: KObject, hash: string, template: { metadata?: { labels?: Record<string, string> } }, labels: Record<string, string>, live: ReadonlySet<string>): Promise<void> {
  const name = `${owner.metadata.name}-${hash}`;
  const history = historyOf(ctx, owner);
  const newest = history.length ? history[history.length - 1].revision : 0;
  const existing = history.find((r) => r.metadata.name === name);
  if (existing) {
    if (existing.revision !== newest) await ctx.client.update(REVISIONS, { ...existing, revision: newest + 1 });
  } else {
    const revision: Revision = {
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name,
        namespace: owner.metadata.namespace,
        labels: { ...template.metadata?.labels, ...labels },
        ...(owner.metadata.annotations ? { annotations: { ...owner.metadata.annotations } } : {}),
        ownerReferences: [controllerRef(owner)],
      },
      data: templatePatch(template),
      revision: newest + 1,
    };
    try {
      await ctx.client.create(REVISIONS, revision);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }
  const limit = (owner.spec as { revisionHistoryLimit?: number } | undefined)?.revisionHistoryLimit ?? DEFAULT_HISTORY_LIMIT;
  const old = history.filter((r) => r.metadata.name !== name && !live.has(r.metadata.name ?? ""));
  for (const r of old.slice(0, Math.max(0, old.length - limit))) {
    await ctx.client.delete(REVISIONS, r.metadata.namespace ?? "", r.metadata.name ?? "").catch((e) => {
      if (!isNotFound(e)) throw e;
    });
  }
}
