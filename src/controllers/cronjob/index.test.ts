import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import { rfc3339 } from "../common/time.js";
import { cronJobController as c } from "./index.js";

const RES = "cronjobs.batch";
const MIN = 60_000;
const reconcile = (fc: FakeCluster) => c.reconcile({ namespace: "default", name: "hello" }, fc.context());

function hello(spec: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: "hello", namespace: "default" },
    spec: {
      schedule: "*/5 * * * *",
      jobTemplate: {
        metadata: { labels: { app: "hello" }, annotations: { team: "a" } },
        spec: { template: { spec: { restartPolicy: "OnFailure", containers: [{ name: "c", image: "busybox" }] } } },
      },
      ...spec,
    },
  };
}

const jobs = (fc: FakeCluster) => fc.list("jobs.batch", "default").map((j) => j.metadata.name).sort();
const status = (fc: FakeCluster) => (fc.get(RES, "default", "hello")!.status ?? {}) as Record<string, any>;
const minutes = (iso: string) => Date.parse(iso) / MIN;
const reasons = (fc: FakeCluster) => fc.events.map((e) => e.reason);

/** Play the Job controller: mark a Job finished at the current clock. */
async function finish(fc: FakeCluster, name: string, type: "Complete" | "Failed", startedMinutesAgo = 1) {
  const now = rfc3339(fc.clock);
  const start = rfc3339(fc.clock - startedMinutesAgo * MIN);
  await fc.patch("jobs.batch", "default", name, { status: { startTime: start, ...(type === "Complete" ? { completionTime: now } : {}), conditions: [{ type, status: "True", lastTransitionTime: now }] } }, "status");
}

async function update(fc: FakeCluster, change: (spec: Record<string, any>) => void) {
  const cj = fc.get(RES, "default", "hello")!;
  change(cj.spec as Record<string, unknown>);
  await fc.update(RES, cj);
}

test("a Job at each due time, named by its minute, with the scheduled-timestamp annotation; requeue until the next", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello());
  assert.deepEqual(await reconcile(fc), { requeueAfterMs: 5 * MIN + 100 });
  assert.deepEqual(jobs(fc), []);
  fc.clock += 5 * MIN + 100;
  assert.deepEqual(await reconcile(fc), { requeueAfterMs: 5 * MIN });
  const name = `hello-${minutes("2026-01-01T00:05:00Z")}`;
  assert.deepEqual(jobs(fc), [name]);
  const job = fc.get("jobs.batch", "default", name)!;
  assert.equal(job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"], "2026-01-01T00:05:00Z");
  assert.equal(job.metadata.annotations?.team, "a");
  assert.equal(job.metadata.labels?.app, "hello");
  assert.deepEqual(job.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [["CronJob", "hello", true]]);
  const st = status(fc);
  assert.equal(st.lastScheduleTime, "2026-01-01T00:05:00Z");
  assert.deepEqual(st.active.map((r: { name: string; kind: string; uid: string }) => [r.kind, r.name, r.uid]), [["Job", name, job.metadata.uid]]);
  assert.ok(fc.events.some((e) => e.reason === "SuccessfulCreate" && e.message === `Created job ${name}`));
  // Idempotent: the same time is not run twice.
  await reconcile(fc);
  assert.deepEqual(jobs(fc), [name]);

  await finish(fc, name, "Complete");
  await reconcile(fc);
  assert.equal(status(fc).active, undefined);
  assert.equal(status(fc).lastSuccessfulTime, "2026-01-01T00:05:00Z");
  assert.ok(fc.events.some((e) => e.reason === "SawCompletedJob" && e.message === `Saw completed job: ${name}, condition: Complete`));
});

test("after downtime only the most recent missed time runs; more than 100 missed is reported", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ schedule: "* * * * *", concurrencyPolicy: "Allow" }));
  fc.clock += 30 * MIN + 10_000;
  await reconcile(fc);
  assert.deepEqual(jobs(fc), [`hello-${minutes("2026-01-01T00:30:00Z")}`]);
  assert.ok(!reasons(fc).includes("TooManyMissedTimes"));
  fc.clock += 3 * 60 * MIN;
  await reconcile(fc);
  assert.equal(status(fc).lastScheduleTime, "2026-01-01T03:30:00Z");
  assert.equal(jobs(fc).length, 2);
  assert.ok(reasons(fc).includes("TooManyMissedTimes"));
});

test("startingDeadlineSeconds: a start missed by more than the deadline is skipped", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ schedule: "0 * * * *", startingDeadlineSeconds: 60 }));
  fc.clock += 60 * MIN + 30_000;
  await reconcile(fc);
  assert.equal(jobs(fc).length, 1, "30 s late is within the deadline");
  fc.clock += 60 * MIN + 60_000;
  const r = await reconcile(fc);
  assert.equal(jobs(fc).length, 1, "90 s late is not");
  assert.deepEqual(r, { requeueAfterMs: 59 * MIN - 30_000 + 100 });
});

test("Forbid skips while a Job runs, then starts the missed run when it finishes", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ concurrencyPolicy: "Forbid" }));
  fc.clock += 5 * MIN;
  await reconcile(fc);
  fc.clock += 5 * MIN;
  await reconcile(fc);
  assert.equal(jobs(fc).length, 1);
  assert.ok(fc.events.some((e) => e.reason === "JobAlreadyActive" && e.message === "Not starting job because prior execution is running and concurrency policy is Forbid"));
  await finish(fc, jobs(fc)[0]!, "Complete");
  await reconcile(fc);
  assert.deepEqual(jobs(fc), [`hello-${minutes("2026-01-01T00:05:00Z")}`, `hello-${minutes("2026-01-01T00:10:00Z")}`]);
});

test("Replace deletes the running Job and starts the new one; Allow runs them side by side", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ concurrencyPolicy: "Replace" }));
  fc.clock += 5 * MIN;
  await reconcile(fc);
  fc.clock += 5 * MIN;
  await reconcile(fc);
  const second = `hello-${minutes("2026-01-01T00:10:00Z")}`;
  assert.deepEqual(jobs(fc), [second]);
  assert.deepEqual(status(fc).active.map((r: { name: string }) => r.name), [second]);
  assert.ok(fc.events.some((e) => e.reason === "SuccessfulDelete" && e.message === `Deleted job hello-${minutes("2026-01-01T00:05:00Z")}`));

  await update(fc, (s) => (s.concurrencyPolicy = "Allow"));
  fc.clock += 5 * MIN;
  await reconcile(fc);
  assert.equal(jobs(fc).length, 2);
  assert.equal(status(fc).active.length, 2);
});

test("history limits: the oldest finished Jobs beyond them are deleted", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 }));
  const made: string[] = [];
  for (let i = 0; i < 6; i++) {
    fc.clock += 5 * MIN;
    await reconcile(fc);
    const name = jobs(fc).find((n) => !made.includes(n!))!;
    made.push(name);
    await finish(fc, name, i % 2 ? "Failed" : "Complete");
  }
  await reconcile(fc);
  // made[0,2,4] succeeded, made[1,3,5] failed.
  assert.deepEqual(jobs(fc), [made[2], made[4], made[5]].sort());
  assert.equal(status(fc).active, undefined);
});

test("suspend: no Jobs and no requeue; on resume the most recent missed time runs", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ suspend: true }));
  fc.clock += 62 * MIN;
  assert.equal(await reconcile(fc), undefined);
  assert.deepEqual(jobs(fc), []);
  await update(fc, (s) => (s.suspend = false));
  await reconcile(fc);
  assert.deepEqual(jobs(fc), [`hello-${minutes("2026-01-01T01:00:00Z")}`]);
});

test("spec.timeZone: due times on that zone's clock, annotated with its offset", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ schedule: "0 10 * * *", timeZone: "Asia/Tokyo" }));
  // 10:00 in Tokyo is 01:00 UTC.
  assert.deepEqual(await reconcile(fc), { requeueAfterMs: 60 * MIN + 100 });
  fc.clock += 60 * MIN;
  await reconcile(fc);
  const [name] = jobs(fc);
  assert.equal(name, `hello-${minutes("2026-01-01T01:00:00Z")}`);
  assert.equal(fc.get("jobs.batch", "default", name!)!.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"], "2026-01-01T10:00:00+09:00");
  assert.equal(status(fc).lastScheduleTime, "2026-01-01T01:00:00Z");
});

test("an unparseable schedule or unknown time zone is reported, not retried", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, hello({ schedule: "61 * * * *" }));
  assert.equal(await reconcile(fc), undefined);
  assert.ok(fc.events.some((e) => e.reason === "UnparseableSchedule" && e.message.startsWith('unparseable schedule: "61 * * * *" : end of range (61) above maximum (59)')));
  await update(fc, (s) => {
    s.schedule = "@hourly";
    s.timeZone = "Nowhere/Else";
  });
  assert.equal(await reconcile(fc), undefined);
  assert.ok(reasons(fc).includes("UnknownTimeZone"));
});
