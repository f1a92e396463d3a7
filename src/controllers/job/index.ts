/**
 * The Job controller, after kube-controller-manager's (pkg/controller/job,
 * 1.30), with the TTL-after-finished controller folded in: run pods until
 * `completions` of them succeed (NonIndexed) or every index has (Indexed);
 * fail the Job on a podFailurePolicy FailJob rule, past backoffLimit or
 * activeDeadlineSeconds, or on failed indexes (backoffLimitPerIndex,
 * maxFailedIndexes), deleting what still runs; suspend and resume; delete a finished Job once
 * ttlSecondsAfterFinished has passed. Counts come from the pods themselves
 * (finished pods are kept), not from job-tracking finalizers.
 */
import type { JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import { isNotFound } from "../common/errors.js";
import { claim, ownerOrSelector, ownerSelector } from "../common/owner-refs.js";
import { deletePod } from "../common/pod-control.js";
import { isPodActive, isPodReady, type Pod } from "../common/pods.js";
import { rfc3339, timeMs } from "../common/time.js";
import type { Controller, ReconcileContext, ReconcileResult } from "../types.js";
import { isPodFinished } from "../common/pods.js";
import { writeStatus } from "../common/status.js";
import { restartsExceedLimit } from "./failures.js";
import { formatIntervals, isIndexed, succeededIndexes } from "./indexed.js";
import { manageJob } from "./manage.js";
import { failedIndexes, hasBackoffLimitPerIndex, indexFailures, type IndexFailures } from "./per-index.js";
import { matchPodFailurePolicy } from "./pod-failure-policy.js";
import { MAX_INT32 } from "../../schemas/dsl.js";
import type { Job } from "./types.js";

const RESOURCE = "jobs.batch";

/** The Complete or Failed condition of a finished Job. */
export const finishedCondition = (job: { status?: JobStatus }): JobCondition | undefined =>
  job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True");

/**
 * ensureJobConditionStatus: set a condition (times now) when its status,
 * reason or message differ; a False condition is only written over an
 * existing one. Whether anything changed.
 */
function ensureCondition(conds: JobCondition[], type: string, status: "True" | "False", reason: string, message: string, now: number): boolean {
  const i = conds.findIndex((c) => c.type === type);
  const cur = conds[i];
  if (cur ? cur.status === status && (cur.reason ?? "") === reason && (cur.message ?? "") === message : status === "False") return false;
  const c: JobCondition = { type, status, lastProbeTime: rfc3339(now), lastTransitionTime: rfc3339(now), ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  if (cur) conds[i] = c;
  else conds.push(c);
  return true;
}

/** The TTL-after-finished controller: delete the Job (and, in the foreground, its pods) once its TTL is up. */
async function expire(ctx: ReconcileContext, job: Job, finished: JobCondition): Promise<ReconcileResult | void> {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined) return;
  const at = (timeMs(finished.lastTransitionTime) ?? timeMs(job.status?.completionTime) ?? ctx.now()) + ttl * 1000;
  if (at > ctx.now()) return { requeueAfterMs: at - ctx.now() };
  try {
    await ctx.client.delete(RESOURCE, job.metadata.namespace ?? "", job.metadata.name ?? "", { propagationPolicy: "Foreground", preconditions: { uid: job.metadata.uid } });
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** One syncJob pass over an unfinished Job. */
async function sync(ctx: ReconcileContext, job: Job, pods: Pod[]): Promise<ReconcileResult | void> {
  const now = ctx.now();
  const spec = job.spec;
  const status: JobStatus = { ...job.status };
  const conditions = [...(status.conditions ?? [])];
  // Suspension stops the activeDeadlineSeconds clock: it restarts on resume.
  if (spec.suspend) status.startTime = undefined;
  else status.startTime ??= rfc3339(now);

  const finished = pods.filter(isPodFinished);
  const succeededPods = finished.filter((p) => p.status?.phase === "Succeeded");
  const done = isIndexed(job) ? succeededIndexes(job, succeededPods) : new Set<number>();
  const perIndex = hasBackoffLimitPerIndex(job);
  // What each failure means under the podFailurePolicy (without one: it counts).
  const matches = new Map(finished.filter((p) => p.status?.phase === "Failed").map((p) => [p, matchPodFailurePolicy(spec.podFailurePolicy, p, perIndex)]));
  const perIndexFailures = perIndex ? indexFailures(job, pods, matches) : new Map<number, IndexFailures>();
  const counts = {
    active: pods.filter(isPodActive),
    finished,
    terminating: pods.filter((p) => p.metadata.deletionTimestamp && !isPodFinished(p)).length,
    succeeded: isIndexed(job) ? done.size : succeededPods.length,
    done,
    failedIndexes: perIndex ? failedIndexes(job, perIndexFailures) : new Set<number>(),
    indexFailures: perIndexFailures,
  };
  let failed = [...matches.values()].filter((m) => m.counts).length;
  const failJob = [...matches.values()].find((m) => m.message !== undefined)?.message;
  const deadlineInMs = spec.activeDeadlineSeconds !== undefined && status.startTime ? timeMs(status.startTime)! + spec.activeDeadlineSeconds * 1000 - now : undefined;
  const failedIndexCount = counts.failedIndexes.size;
  // The first verdict that holds fails the Job (syncJob's order).
  const verdicts: [holds: boolean, reason: string, message: string][] = [
    [failJob !== undefined, "PodFailurePolicy", failJob ?? ""],
    [failed > (spec.backoffLimit ?? (perIndex ? MAX_INT32 : 6)) || restartsExceedLimit(job, counts.active), "BackoffLimitExceeded", "Job has reached the specified backoff limit"],
    [deadlineInMs !== undefined && deadlineInMs <= 0, "DeadlineExceeded", "Job was active longer than specified deadline"],
    [spec.maxFailedIndexes !== undefined && failedIndexCount > spec.maxFailedIndexes, "MaxFailedIndexesExceeded", "Job has exceeded the specified maximal number of failed indexes"],
    [failedIndexCount > 0 && counts.succeeded + failedIndexCount >= (spec.completions ?? 0), "FailedIndexes", "Job has failed indexes"],
  ];
  const verdict = verdicts.find(([holds]) => holds);
  const failure = verdict ? ([verdict[1], verdict[2]] as const) : undefined;

  let active = 0;
  let ready = 0;
  let terminating = counts.terminating;
  let requeueAfterMs: number | undefined;
  if (failure) {
    await Promise.all(counts.active.map((p) => deletePod(ctx, p, job)));
    // What was still running has failed with the Job.
    failed += counts.active.length;
    // A FailJob rule's verdict is first recorded as FailureTarget (1.30 then adds Failed once the pods are gone; nothing holds them here).
    if (failJob) ensureCondition(conditions, "FailureTarget", "True", failure[0], failure[1], now);
    ensureCondition(conditions, "Failed", "True", failure[0], failure[1], now);
    ctx.recorder.event(job, "Warning", failure[0], failure[1]);
  } else {
    if (spec.suspend && ensureCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", now)) ctx.recorder.event(job, "Normal", "Suspended", "Job suspended");
    if (!spec.suspend && ensureCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", now)) ctx.recorder.event(job, "Normal", "Resumed", "Job resumed");
    const m = await manageJob(ctx, job, counts);
    active = m.kept.length + m.created;
    ready = m.kept.filter(isPodReady).length;
    terminating += m.removed;
    requeueAfterMs = m.requeueAfterMs;
    const complete = active === 0 && (spec.completions === undefined ? counts.succeeded > 0 : counts.succeeded >= spec.completions);
    if (complete) {
      ensureCondition(conditions, "Complete", "True", "", "", now);
      status.completionTime = rfc3339(now);
      ctx.recorder.event(job, "Normal", "Completed", "Job completed");
    } else if (deadlineInMs !== undefined) {
      requeueAfterMs = Math.min(requeueAfterMs ?? deadlineInMs, deadlineInMs);
    }
  }

  await writeStatus(
    ctx,
    RESOURCE,
    job,
    {
      ...status,
      conditions,
      active,
      succeeded: counts.succeeded,
      failed,
      ready,
      terminating,
      completedIndexes: isIndexed(job) ? formatIntervals(done) : undefined,
      failedIndexes: perIndex ? formatIntervals(counts.failedIndexes) : undefined,
    },
    // Pointers in Go: written even when zero or empty.
    ["ready", "terminating", "failedIndexes"],
  );
  if (finishedCondition({ status: { conditions } }) && spec.ttlSecondsAfterFinished !== undefined) return { requeueAfterMs: spec.ttlSecondsAfterFinished * 1000 };
  return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
}

export const jobController: Controller = {
  name: "job",
  primary: RESOURCE,
  watches: [{ resource: "pods", map: ownerOrSelector("Job", RESOURCE) }],
  async reconcile(key, ctx) {
    const job = ctx.lister.get(RESOURCE, key.namespace, key.name) as Job | undefined;
    if (!job || job.metadata.deletionTimestamp) return;
    const finished = finishedCondition(job);
    if (finished) return expire(ctx, job, finished);
    const pods = await claim(ctx, "pods", job, ownerSelector(job), ctx.lister.claimable("pods", key.namespace, job.metadata.uid ?? "") as Pod[]);
    return sync(ctx, job, pods);
  },
};
