/**
 * manageJob: keep min(parallelism, remaining completions) pods active.
 * Missing pods are created in slow-start batches once the failure backoff
 * has passed (and, with podReplacementPolicy Failed, once no pod is still
 * terminating); surplus pods go least useful first; a suspended Job keeps
 * none. Indexed Jobs create the lowest pending indexes and drop pods whose
 * index is invalid, done, failed (backoffLimitPerIndex) or duplicated; with
 * backoffLimitPerIndex each index waits out its own backoff.
 */
import { createPod, deletePod } from "../common/pod-control.js";
import { sortPodsForDeletion } from "../common/pod-ranking.js";
import type { Pod } from "../common/pods.js";
import { SLOW_START_INITIAL_BATCH, slowStartBatch } from "../common/slow-start.js";
import type { ReconcileContext } from "../types.js";
import { backoffRemainingMs } from "./failures.js";
import { indexedGenerateName, indexedTemplate, isIndexed, pendingIndexes, unwantedIndexed } from "./indexed.js";
import { failureCountAnnotations, hasBackoffLimitPerIndex, indexBackoffMs, type IndexFailures } from "./per-index.js";
import type { Job } from "./types.js";

export interface JobPods {
  active: Pod[];
  finished: Pod[];
  terminating: number;
  succeeded: number;
  /** Indexed Jobs: the succeeded indexes. */
  done: Set<number>;
  /** Indexed Jobs with backoffLimitPerIndex: the failed indexes, and each index's failures. */
  failedIndexes: Set<number>;
  indexFailures: Map<number, IndexFailures>;
}

export interface Managed {
  /** Active pods left after deletions. */
  kept: Pod[];
  created: number;
  removed: number;
  requeueAfterMs?: number;
}

/** How many pods should run now (wantActive). */
function wantActive(job: Job, active: number, succeeded: number): number {
  const parallelism = job.spec.parallelism ?? 1;
  if (job.spec.completions === undefined) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(job.spec.completions - succeeded, parallelism));
}

export async function manageJob(ctx: ReconcileContext, job: Job, pods: JobPods): Promise<Managed> {
  let remove: Pod[];
  // Indexes that want no more pods: succeeded or failed.
  const closed = new Set([...pods.done, ...pods.failedIndexes]);
  if (job.spec.suspend) remove = pods.active;
  else {
    const unwanted = isIndexed(job) ? unwantedIndexed(job, pods.active, closed) : [];
    const rest = pods.active.filter((p) => !unwanted.includes(p));
    const surplus = rest.length - wantActive(job, rest.length, pods.succeeded + pods.failedIndexes.size);
    remove = surplus > 0 ? [...unwanted, ...sortPodsForDeletion(rest).slice(0, surplus)] : unwanted;
  }
  await Promise.all(remove.map((p) => deletePod(ctx, p, job)));
  const kept = pods.active.filter((p) => !remove.includes(p));
  const result: Managed = { kept, created: 0, removed: remove.length };
  const missing = job.spec.suspend ? 0 : wantActive(job, kept.length, pods.succeeded + pods.failedIndexes.size) - kept.length;
  if (missing <= 0 || (pods.terminating > 0 && job.spec.podReplacementPolicy === "Failed")) return result;
  const perIndex = hasBackoffLimitPerIndex(job);
  // Each index waits out its own backoff with backoffLimitPerIndex, the whole Job otherwise.
  if (!perIndex) {
    const wait = backoffRemainingMs(pods.finished, ctx.now());
    if (wait > 0) return { ...result, requeueAfterMs: wait };
  }
  const waits = [...pods.indexFailures].map(([i, f]) => [i, indexBackoffMs(f, ctx.now())] as const).filter(([i, ms]) => ms > 0 && !closed.has(i));
  const requeueAfterMs = waits.length ? Math.min(...waits.map(([, ms]) => ms)) : undefined;

  const name = job.metadata.name ?? "";
  const waiting = new Set([...closed, ...waits.map(([i]) => i)]);
  const templates = isIndexed(job)
    ? pendingIndexes(job, kept, waiting, missing).map((i) => ({
        template: indexedTemplate(job, i, perIndex ? failureCountAnnotations(pods.indexFailures.get(i)) : {}),
        generateName: indexedGenerateName(name, i),
      }))
    : Array.from({ length: missing }, () => ({ template: job.spec.template, generateName: undefined }));
  const { successes, error } = await slowStartBatch(templates.length, SLOW_START_INITIAL_BATCH, (i) => createPod(ctx, templates[i].template, job, templates[i].generateName));
  if (error !== undefined) throw error;
  return { ...result, created: successes, requeueAfterMs };
}
