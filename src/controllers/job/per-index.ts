/**
 * spec.backoffLimitPerIndex (Indexed Jobs): each index has its own retry
 * budget. A pod carries the failures of its index before it in the
 * batch.kubernetes.io/job-index-failure-count annotation (ignored ones, by a
 * podFailurePolicy Ignore rule, in job-index-ignored-failure-count), so the
 * count survives the failed pods' removal. An index whose failures exceed
 * the limit, or whose pod matched a FailIndex rule, is failed: no more pods
 * for it, and it is listed in status.failedIndexes. A failed index's next
 * pod waits 10 s, doubling per failure, at most 6 min.
 */
import type { Pod } from "../common/pods.js";
import { backoffDelayMs, finishedAt } from "./failures.js";
import { indexOf } from "./indexed.js";
import type { PolicyMatch } from "./pod-failure-policy.js";
import type { Job } from "./types.js";

export const FAILURE_COUNT_KEY = "batch.kubernetes.io/job-index-failure-count";
export const IGNORED_FAILURE_COUNT_KEY = "batch.kubernetes.io/job-index-ignored-failure-count";

export const hasBackoffLimitPerIndex = (job: Job) => job.spec.completionMode === "Indexed" && job.spec.backoffLimitPerIndex !== undefined;

export interface IndexFailures {
  counted: number;
  ignored: number;
  /** A FailIndex rule matched one of its pods. */
  failIndex: boolean;
  /** When its last failed pod finished (ms). */
  lastFailureMs?: number;
}

const annotation = (p: Pod, key: string) => {
  const v = Number(p.metadata.annotations?.[key] ?? 0);
  return Number.isInteger(v) && v > 0 ? v : 0;
};

/** Each index's failures so far: its pods' annotations plus their own failures. */
export function indexFailures(job: Job, pods: Pod[], matches: Map<Pod, PolicyMatch>): Map<number, IndexFailures> {
  const out = new Map<number, IndexFailures>();
  for (const p of pods) {
    const i = indexOf(job, p);
    if (i === undefined) continue;
    const m = matches.get(p);
    const f = out.get(i) ?? { counted: 0, ignored: 0, failIndex: false };
    f.counted = Math.max(f.counted, annotation(p, FAILURE_COUNT_KEY) + (m?.counts ? 1 : 0));
    f.ignored = Math.max(f.ignored, annotation(p, IGNORED_FAILURE_COUNT_KEY) + (m && !m.counts ? 1 : 0));
    if (m?.action === "FailIndex") f.failIndex = true;
    if (m) f.lastFailureMs = Math.max(f.lastFailureMs ?? 0, finishedAt(p));
    out.set(i, f);
  }
  return out;
}

/** The indexes that have failed for good. */
export function failedIndexes(job: Job, failures: Map<number, IndexFailures>): Set<number> {
  const limit = job.spec.backoffLimitPerIndex ?? 0;
  return new Set([...failures].filter(([, f]) => f.failIndex || f.counted > limit).map(([i]) => i));
}

/** How long index i's next pod must wait after its last failure (0: it may start now). */
export function indexBackoffMs(f: IndexFailures | undefined, now: number): number {
  const failures = (f?.counted ?? 0) + (f?.ignored ?? 0);
  if (!f?.lastFailureMs || failures === 0) return 0;
  return Math.max(0, f.lastFailureMs + backoffDelayMs(failures) - now);
}

/** The annotations index i's next pod carries (addIndexFailureCountAnnotation). */
export function failureCountAnnotations(f: IndexFailures | undefined): Record<string, string> {
  return { [FAILURE_COUNT_KEY]: String(f?.counted ?? 0), ...(f?.ignored ? { [IGNORED_FAILURE_COUNT_KEY]: String(f.ignored) } : {}) };
}


