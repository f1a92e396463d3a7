/**
 * completionMode: Indexed. Each pod carries its completion index (annotation
 * and label batch.kubernetes.io/job-completion-index, JOB_COMPLETION_INDEX in
 * its environment, hostname `${job}-${index}`, a name `${job}-${index}-xxxxx`); the Job is done when every
 * index in [0, completions) has a succeeded pod, reported as
 * status.completedIndexes ("0-2,5").
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { Pod } from "../common/pods.js";
import type { Job } from "./types.js";
import { MaxGeneratedNameLength } from "../../apimachinery/validation.js";

const INDEX_KEY = "batch.kubernetes.io/job-completion-index";

export const isIndexed = (job: Job) => job.spec.completionMode === "Indexed";

/** getCompletionIndex: the pod's index when valid for this Job (0 ≤ i < completions). */
export function indexOf(job: Job, pod: Pod): number | undefined {
  const v = pod.metadata.annotations?.[INDEX_KEY] ?? pod.metadata.labels?.[INDEX_KEY];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const i = Number(v);
  return i < (job.spec.completions ?? 0) ? i : undefined;
}

/** The indexes with a succeeded pod. */
export const succeededIndexes = (job: Job, succeeded: Pod[]): Set<number> =>
  new Set(succeeded.map((p) => indexOf(job, p)).filter((i): i is number => i !== undefined));

/** orderedIntervals.String(): "1,3-5,7"; two in a row stay apart ("1,2"). */
export function formatIntervals(indexes: Set<number>): string {
  const sorted = [...indexes].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? `${sorted[i]}` : `${sorted[i]}${j === i + 1 ? "," : "-"}${sorted[j]}`);
    i = j + 1;
  }
  return out.join(",");
}

/**
 * Active pods an Indexed Job does not want whatever its parallelism: no
 * valid index, an index already succeeded or failed, or a second pod for an index
 * (the first, oldest, one stays).
 */
export function unwantedIndexed(job: Job, active: Pod[], closed: Set<number>): Pod[] {
  const seen = new Set<number>();
  return active.filter((p) => {
    const i = indexOf(job, p);
    if (i === undefined || closed.has(i) || seen.has(i)) return true;
    seen.add(i);
    return false;
  });
}

/** firstPendingIndexes: the lowest `count` indexes neither running nor skipped (succeeded, failed, or waiting out a backoff). */
export function pendingIndexes(job: Job, active: Pod[], skip: Set<number>, count: number): number[] {
  const running = new Set(active.map((p) => indexOf(job, p)));
  const out: number[] = [];
  for (let i = 0; i < (job.spec.completions ?? 0) && out.length < count; i++) if (!skip.has(i) && !running.has(i)) out.push(i);
  return out;
}

/** podGenerateNameWithIndex: "<job>-<index>-", the job's name cut so that the index always stays. */
export function indexedGenerateName(jobName: string, i: number): string {
  const suffix = `-${i}-`;
  const prefix = jobName + suffix;
  return prefix.length > MaxGeneratedNameLength ? jobName.slice(0, MaxGeneratedNameLength - suffix.length) + suffix : prefix;
}

/** The template of index i's pod (with annotations of its own: its index's failures so far). */
export function indexedTemplate(job: Job, i: number, annotations: Record<string, string> = {}): PodTemplateSpec {
  const t = structuredClone(job.spec.template);
  const meta = (t.metadata ??= {});
  meta.annotations = { ...meta.annotations, [INDEX_KEY]: String(i), ...annotations };
  meta.labels = { ...meta.labels, [INDEX_KEY]: String(i) };
  const spec = t.spec!;
  spec.hostname = `${job.metadata.name}-${i}`;
  const env = { name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${INDEX_KEY}']` } } };
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) if (!c.env?.some((e) => e.name === env.name)) c.env = [...(c.env ?? []), env];
  return t;
}
