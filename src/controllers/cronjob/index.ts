/**
 * The CronJob controller, after kube-controller-manager's
 * (pkg/controller/cronjob, 1.30): at each time the schedule names (in
 * spec.timeZone) create the Job `${cronjob}-${minutes since the epoch}` from
 * jobTemplate, owned by the CronJob; only the most recent missed time runs
 * (none older than startingDeadlineSeconds); concurrencyPolicy Forbid skips
 * while a Job runs, Replace deletes the running ones; finished Jobs beyond
 * the history limits are deleted; reconcile asks to be called again at the
 * next scheduled time.
 */
import type { CronJobSpec, CronJobStatus, JobStatus } from "kubernetes-types/batch/v1";
import type { ObjectReference } from "kubernetes-types/core/v1";
import type { KObject } from "../../registry/types.js";
import { errorMessage, isAlreadyExists, isNotFound } from "../common/errors.js";
import { controllerRef, isControlledBy } from "../common/owner-refs.js";
import { rfc3339, timeMs } from "../common/time.js";
import { controllerOf, type Controller, type ReconcileContext } from "../types.js";
import { finishedCondition } from "../job/index.js";
import { writeStatus } from "../common/status.js";
import { mostRecent, nextAfter, parseSchedule, type Schedule } from "./schedule.js";
import { rfc3339In, timeZone, type Zone } from "./zone.js";

const RESOURCE = "cronjobs.batch";
const JOBS = "jobs.batch";
const SCHEDULED_AT = "batch.kubernetes.io/cronjob-scheduled-timestamp";
/** nextScheduleDelta: wake a little after the due time, never just before it. */
const DELTA_MS = 100;

type CronJob = KObject & { spec: CronJobSpec; status?: CronJobStatus };
type Job = KObject & { status?: JobStatus };

const jobRef = (j: Job): ObjectReference => ({ apiVersion: "batch/v1", kind: "Job", name: j.metadata.name, namespace: j.metadata.namespace, uid: j.metadata.uid, resourceVersion: j.metadata.resourceVersion });

/** getJobFromTemplate2: the Job for one scheduled time. */
function jobFor(cj: CronJob, zone: Zone, at: number): Job {
  const t = structuredClone(cj.spec.jobTemplate);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `${cj.metadata.name}-${Math.floor(at / 60_000)}`,
      namespace: cj.metadata.namespace,
      labels: { ...t.metadata?.labels },
      annotations: { ...t.metadata?.annotations, [SCHEDULED_AT]: rfc3339In(zone, at) },
      ownerReferences: [controllerRef(cj)],
    },
    spec: t.spec,
  };
}

async function deleteJob(ctx: ReconcileContext, cj: CronJob, j: Job): Promise<void> {
  try {
    await ctx.client.delete(JOBS, j.metadata.namespace ?? "", j.metadata.name ?? "", { propagationPolicy: "Background" });
  } catch (e) {
    if (isNotFound(e)) return;
    ctx.recorder.event(cj, "Warning", "FailedDelete", `Deleted job: ${errorMessage(e)}`);
    throw e;
  }
  ctx.recorder.event(cj, "Normal", "SuccessfulDelete", `Deleted job ${j.metadata.name}`);
}

/** cleanupFinishedJobs: keep the newest finished Jobs of each outcome up to its history limit. */
async function cleanupHistory(ctx: ReconcileContext, cj: CronJob, jobs: Job[]): Promise<void> {
  const started = (j: Job) => timeMs(j.status?.startTime) ?? timeMs(j.metadata.creationTimestamp) ?? 0;
  for (const [type, limit] of [["Complete", cj.spec.successfulJobsHistoryLimit], ["Failed", cj.spec.failedJobsHistoryLimit]] as const) {
    if (limit === undefined) continue;
    const done = jobs.filter((j) => finishedCondition(j)?.type === type).sort((a, b) => started(a) - started(b));
    for (const j of done.slice(0, Math.max(0, done.length - limit))) await deleteJob(ctx, cj, j);
  }
}

/**
 * The active list as the Jobs have it: finished and vanished Jobs leave it
 * (SawCompletedJob, MissingJob); the last success is remembered.
 */
function reconcileActive(ctx: ReconcileContext, cj: CronJob, jobs: Job[], status: CronJobStatus): void {
  const byUid = new Map(jobs.map((j) => [j.metadata.uid, j]));
  status.active = (status.active ?? []).filter((ref) => {
    const j = byUid.get(ref.uid);
    if (!j) ctx.recorder.event(cj, "Normal", "MissingJob", `Active job went missing: ${ref.name}`);
    else if (finishedCondition(j)) ctx.recorder.event(cj, "Normal", "SawCompletedJob", `Saw completed job: ${j.metadata.name}, condition: ${finishedCondition(j)!.type}`);
    else return true;
    return false;
  });
  for (const j of jobs) {
    const finished = finishedCondition(j);
    const completed = timeMs(j.status?.completionTime);
    if (!finished && !status.active.some((r) => r.uid === j.metadata.uid)) ctx.recorder.event(cj, "Warning", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
    if (finished?.type === "Complete" && completed !== undefined && completed > (timeMs(status.lastSuccessfulTime) ?? -Infinity)) status.lastSuccessfulTime = j.status!.completionTime;
  }
}

/** Start the Job of the most recent due time, if policy allows. */
async function schedule(ctx: ReconcileContext, cj: CronJob, sched: Schedule, zone: Zone, jobs: Job[], status: CronJobStatus): Promise<void> {
  const now = ctx.now();
  let earliest = timeMs(status.lastScheduleTime) ?? timeMs(cj.metadata.creationTimestamp) ?? now;
  if (cj.spec.startingDeadlineSeconds !== undefined) earliest = Math.max(earliest, now - cj.spec.startingDeadlineSeconds * 1000);
  const { time, missed } = mostRecent(sched, zone, earliest, now);
  if (missed > 100) ctx.recorder.event(cj, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
  if (time === undefined) return;

  const want = jobFor(cj, zone, time);
  const existing = jobs.find((j) => j.metadata.name === want.metadata.name);
  if (existing) {
    // Created on an earlier pass whose status write was lost: record it now.
    if (!finishedCondition(existing) && !status.active!.some((r) => r.uid === existing.metadata.uid)) status.active!.push(jobRef(existing));
    status.lastScheduleTime = rfc3339(time);
    return;
  }
  const running = jobs.filter((j) => status.active!.some((r) => r.uid === j.metadata.uid));
  if (cj.spec.concurrencyPolicy === "Forbid" && running.length) {
    ctx.recorder.event(cj, "Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
    return;
  }
  if (cj.spec.concurrencyPolicy === "Replace") {
    for (const j of running) await deleteJob(ctx, cj, j);
    status.active = [];
  }
  let created: Job;
  try {
    created = await ctx.client.create(JOBS, want);
  } catch (e) {
    if (!isAlreadyExists(e)) ctx.recorder.event(cj, "Warning", "FailedCreate", `Error creating job: ${errorMessage(e)}`);
    throw e;
  }
  ctx.recorder.event(cj, "Normal", "SuccessfulCreate", `Created job ${created.metadata.name}`);
  status.active!.push(jobRef(created));
  status.lastScheduleTime = rfc3339(time);
}

export const cronJobController: Controller = {
  name: "cronjob",
  primary: RESOURCE,
  watches: [{ resource: JOBS, map: controllerOf("CronJob") }],
  async reconcile(key, ctx) {
    const cj = ctx.lister.get(RESOURCE, key.namespace, key.name) as CronJob | undefined;
    if (!cj || cj.metadata.deletionTimestamp) return;
    const jobs = (ctx.lister.list(JOBS, key.namespace) as Job[]).filter((j) => isControlledBy(j, cj));
    const status: CronJobStatus = { ...cj.status };
    reconcileActive(ctx, cj, jobs, status);

    let next: number | undefined;
    if (!cj.spec.suspend) {
      let sched: Schedule | undefined;
      let zone: Zone | undefined;
      try {
        sched = parseSchedule(cj.spec.schedule);
      } catch (e) {
        ctx.recorder.event(cj, "Warning", "UnparseableSchedule", `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${errorMessage(e)}`);
      }
      try {
        zone = timeZone(cj.spec.timeZone);
      } catch (e) {
        ctx.recorder.event(cj, "Warning", "UnknownTimeZone", `invalid timeZone: ${JSON.stringify(cj.spec.timeZone)}: ${errorMessage(e)}`);
      }
      if (sched && zone) {
        await schedule(ctx, cj, sched, zone, jobs, status);
        next = nextAfter(sched, zone, ctx.now());
      }
    }
    await cleanupHistory(ctx, cj, jobs);
    await writeStatus(ctx, RESOURCE, cj, status);
    return next === undefined ? undefined : { requeueAfterMs: next - ctx.now() + DELTA_MS };
  },
};
