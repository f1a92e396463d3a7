import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeCluster } from "../fake.js";
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import { setPhase, settleKey as settle } from "../common/testing.js";
import { jobController as c } from "./index.js";
import { formatIntervals, indexedGenerateName, indexedTemplate } from "./indexed.js";
import type { Job } from "./types.js";

const RES = "jobs.batch";
const reconcile = (fc: FakeCluster) => c.reconcile({ namespace: "default", name: "pi" }, fc.context());

function pi(spec: Record<string, unknown> = {}, restartPolicy = "Never"): KObject {
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "pi", namespace: "default" },
    spec: { template: { spec: { restartPolicy, containers: [{ name: "pi", image: "perl:5.34" }] } }, ...spec },
  };
}

const pods = (fc: FakeCluster) => fc.list("pods", "default") as Pod[];
const byPhase = (fc: FakeCluster, phase: string) => pods(fc).filter((p) => p.status?.phase === phase);
const job = (fc: FakeCluster) => fc.get(RES, "default", "pi") as KObject & { status?: Record<string, any> };
const condition = (fc: FakeCluster, type: string) => (job(fc).status?.conditions ?? []).find((x: { type: string }) => x.type === type);

/** Finish every pending pod with the given phase. */
async function finishAll(fc: FakeCluster, phase: "Succeeded" | "Failed") {
  for (const p of byPhase(fc, "Pending")) await setPhase(fc, p.metadata.name!, phase);
}

test("completions=3, parallelism=2: at most 2 active, 3 successes complete the Job; finished pods stay", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ completions: 3, parallelism: 2 }));
  await settle(c, fc, "pi");
  assert.equal(byPhase(fc, "Pending").length, 2);
  const p = pods(fc)[0];
  assert.match(p.metadata.name!, /^pi-[a-z0-9]{5}$/);
  assert.equal(p.metadata.labels?.["job-name"], "pi");
  assert.equal(p.metadata.labels?.["batch.kubernetes.io/controller-uid"], job(fc).metadata.uid);
  assert.deepEqual(p.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.controller]), [["Job", "pi", true]]);
  assert.deepEqual(job(fc).status, { startTime: "2026-01-01T00:00:00Z", active: 2, ready: 0, terminating: 0 });

  await setPhase(fc, p.metadata.name!, "Running");
  await settle(c, fc, "pi");
  assert.equal(job(fc).status?.ready, 1);
  await setPhase(fc, p.metadata.name!, "Succeeded");
  await settle(c, fc, "pi");
  assert.equal(pods(fc).length, 3, "one replacement for the success");
  assert.equal(job(fc).status?.active, 2);
  assert.equal(job(fc).status?.succeeded, 1);

  fc.clock += 5000;
  await finishAll(fc, "Succeeded");
  await settle(c, fc, "pi");
  assert.equal(pods(fc).length, 3, "no more pods than completions");
  assert.equal(byPhase(fc, "Succeeded").length, 3);
  const st = job(fc).status!;
  assert.equal(st.succeeded, 3);
  assert.equal(st.active, undefined);
  assert.equal(st.completionTime, "2026-01-01T00:00:05Z");
  assert.deepEqual(condition(fc, "Complete"), { type: "Complete", status: "True", lastProbeTime: "2026-01-01T00:00:05Z", lastTransitionTime: "2026-01-01T00:00:05Z" });
  assert.equal(fc.events.filter((e) => e.reason === "SuccessfulCreate").length, 3);
  assert.ok(fc.events.some((e) => e.reason === "Completed" && e.message === "Job completed"));
  const writes = fc.writes.length;
  assert.equal(await reconcile(fc), undefined);
  assert.equal(fc.writes.length, writes, "a finished Job is left alone");
});

test("backoffLimit (restartPolicy Never): failed pods are replaced after a growing delay, then the Job fails", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ backoffLimit: 1 }));
  await settle(c, fc, "pi");
  await finishAll(fc, "Failed");
  const r = await settle(c, fc, "pi");
  assert.deepEqual(r, { requeueAfterMs: 10_000 }, "10 s backoff after the first failure");
  assert.equal(pods(fc).length, 1);
  assert.equal(job(fc).status?.failed, 1);
  fc.clock += 10_000;
  await settle(c, fc, "pi");
  assert.equal(byPhase(fc, "Pending").length, 1, "replaced");
  fc.clock += 1000;
  await finishAll(fc, "Failed");
  await settle(c, fc, "pi");
  const st = job(fc).status!;
  assert.equal(st.failed, 2);
  assert.equal(pods(fc).length, 2, "failed pods are kept");
  assert.equal(condition(fc, "Failed")?.reason, "BackoffLimitExceeded");
  assert.equal(condition(fc, "Failed")?.message, "Job has reached the specified backoff limit");
  assert.ok(fc.events.some((e) => e.type === "Warning" && e.reason === "BackoffLimitExceeded"));
});

test("backoffLimit (restartPolicy OnFailure): container restarts count", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ backoffLimit: 2 }, "OnFailure"));
  await settle(c, fc, "pi");
  const [p] = pods(fc);
  const restarts = (n: number) => fc.patch("pods", "default", p.metadata.name!, { status: { phase: "Running", containerStatuses: [{ name: "pi", ready: false, restartCount: n, image: "perl:5.34", imageID: "" }] } }, "status");
  await restarts(1);
  await settle(c, fc, "pi");
  assert.equal(condition(fc, "Failed"), undefined);
  await restarts(2);
  await settle(c, fc, "pi");
  assert.equal(condition(fc, "Failed")?.reason, "BackoffLimitExceeded");
  assert.deepEqual(pods(fc), [], "the running pod is deleted");
  assert.equal(job(fc).status?.failed, 1);
});

test("activeDeadlineSeconds: the Job fails with DeadlineExceeded and its active pods are deleted", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ activeDeadlineSeconds: 30, parallelism: 2, completions: 4 }));
  const r = await settle(c, fc, "pi");
  assert.deepEqual(r, { requeueAfterMs: 30_000 });
  await setPhase(fc, pods(fc)[0].metadata.name!, "Running");
  fc.clock += 30_000;
  await settle(c, fc, "pi");
  assert.deepEqual(pods(fc), []);
  assert.equal(condition(fc, "Failed")?.reason, "DeadlineExceeded");
  assert.equal(condition(fc, "Failed")?.message, "Job was active longer than specified deadline");
  assert.equal(job(fc).status?.failed, 2);
  assert.equal(job(fc).status?.active, undefined);
  assert.equal(fc.events.filter((e) => e.reason === "SuccessfulDelete").length, 2);
});

test("ttlSecondsAfterFinished: the Job is deleted that long after it finished", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ ttlSecondsAfterFinished: 60 }));
  await settle(c, fc, "pi");
  await finishAll(fc, "Succeeded");
  assert.deepEqual(await reconcile(fc), { requeueAfterMs: 60_000 });
  fc.clock += 20_000;
  assert.deepEqual(await reconcile(fc), { requeueAfterMs: 40_000 });
  fc.clock += 40_000;
  await reconcile(fc);
  assert.equal(job(fc), undefined);
  assert.deepEqual(pods(fc), [], "its pods go with it");
});

test("suspend: no pods and no start time while suspended; resuming starts it", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ suspend: true, activeDeadlineSeconds: 10 }));
  assert.equal(await settle(c, fc, "pi"), undefined);
  assert.deepEqual(pods(fc), []);
  assert.equal(job(fc).status?.startTime, undefined);
  assert.equal(condition(fc, "Suspended")?.status, "True");
  assert.equal(condition(fc, "Suspended")?.reason, "JobSuspended");
  fc.clock += 60_000;
  const j = job(fc);
  (j.spec as Record<string, unknown>).suspend = false;
  await fc.update(RES, j);
  await settle(c, fc, "pi");
  assert.equal(pods(fc).length, 1);
  assert.equal(job(fc).status?.startTime, "2026-01-01T00:01:00Z");
  assert.equal(condition(fc, "Suspended")?.status, "False");
  assert.equal(condition(fc, "Suspended")?.reason, "JobResumed");
  assert.equal(condition(fc, "Failed"), undefined, "the deadline counts from the resume");
  assert.deepEqual(fc.events.filter((e) => e.reason === "Suspended" || e.reason === "Resumed").map((e) => e.reason), ["Suspended", "Resumed"]);
  // Suspending again deletes the running pod.
  const k = job(fc);
  (k.spec as Record<string, unknown>).suspend = true;
  await fc.update(RES, k);
  await settle(c, fc, "pi");
  assert.deepEqual(pods(fc), []);
});

test("lowering parallelism deletes the surplus", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ completions: 10, parallelism: 4 }));
  await settle(c, fc, "pi");
  assert.equal(pods(fc).length, 4);
  const j = job(fc);
  (j.spec as Record<string, unknown>).parallelism = 1;
  await fc.update(RES, j);
  await settle(c, fc, "pi");
  assert.equal(pods(fc).length, 1);
});

test("Indexed: one pod per index with its index annotation, label, hostname and env; completedIndexes", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ completionMode: "Indexed", completions: 3, parallelism: 2 }));
  await settle(c, fc, "pi");
  const index = (p: Pod) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"];
  assert.deepEqual(pods(fc).map(index).sort(), ["0", "1"]);
  const one = pods(fc).find((p) => index(p) === "1")!;
  assert.equal(one.metadata.labels?.["batch.kubernetes.io/job-completion-index"], "1");
  assert.equal(one.spec?.hostname, "pi-1");
  assert.match(one.metadata.name!, /^pi-1-[a-z0-9]{5}$/);
  assert.deepEqual(one.spec?.containers[0].env, [{ name: "JOB_COMPLETION_INDEX", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
  await setPhase(fc, one.metadata.name!, "Succeeded");
  await settle(c, fc, "pi");
  assert.deepEqual(byPhase(fc, "Pending").map(index).sort(), ["0", "2"]);
  assert.equal(job(fc).status?.completedIndexes, "1");
  await finishAll(fc, "Succeeded");
  await settle(c, fc, "pi");
  assert.equal(job(fc).status?.completedIndexes, "0-2");
  assert.equal(job(fc).status?.succeeded, 3);
  assert.equal(condition(fc, "Complete")?.status, "True");
});

test("Indexed pod names keep their index when the Job's name is long (podGenerateNameWithIndex); the hostname is always <job>-<index>", () => {
  assert.equal(indexedGenerateName("pi", 7), "pi-7-");
  const long = "a".repeat(60);
  assert.equal(indexedGenerateName(long, 12), `${"a".repeat(54)}-12-`);
  assert.equal(indexedGenerateName(long, 12).length, 58);
  const j = { metadata: { name: "pi" }, spec: { completionMode: "Indexed", completions: 2, template: { spec: { hostname: "mine", containers: [{ name: "c", image: "x" }] } } } } as unknown as Job;
  assert.equal(indexedTemplate(j, 1).spec?.hostname, "pi-1");
});

/** Fail a pod as a kubelet reports it: its container terminated with this exit code, and these extra conditions. */
async function failPod(fc: FakeCluster, name: string, exitCode: number, conditions: { type: string; status: string }[] = []) {
  await fc.patch("pods", "default", name, {
    status: {
      phase: "Failed",
      conditions: [{ type: "Ready", status: "False", lastTransitionTime: "2026-01-01T00:00:00Z" }, ...conditions],
      containerStatuses: [{ name: "pi", image: "perl:5.34", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode, finishedAt: new Date(fc.clock).toISOString().replace(/\.\d+Z$/, "Z") } } }],
    },
  }, "status");
}

test("podFailurePolicy FailJob: a matching exit code fails the Job at once (FailureTarget, then Failed) and its other pods go", async () => {
  const fc = new FakeCluster();
  const rules = [{ action: "FailJob", onExitCodes: { containerName: "pi", operator: "In", values: [42] } }];
  await fc.create(RES, pi({ parallelism: 2, completions: 2, podFailurePolicy: { rules } }));
  await settle(c, fc, "pi");
  const [first, second] = pods(fc);
  await failPod(fc, first.metadata.name!, 42);
  await settle(c, fc, "pi");
  const message = `Container pi for pod default/${first.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
  assert.deepEqual([condition(fc, "FailureTarget")?.reason, condition(fc, "FailureTarget")?.message], ["PodFailurePolicy", message]);
  assert.deepEqual([condition(fc, "Failed")?.reason, condition(fc, "Failed")?.message], ["PodFailurePolicy", message]);
  assert.equal(fc.get("pods", "default", second.metadata.name!), undefined, "the running pod is deleted");
  assert.equal(job(fc).status?.failed, 2, "the failed pod and the one deleted with the Job");
  assert.ok(fc.events.some((e) => e.type === "Warning" && e.reason === "PodFailurePolicy" && e.message === message));
});

test("podFailurePolicy Ignore: a disrupted pod is replaced without counting against backoffLimit; an unmatched failure counts", async () => {
  const fc = new FakeCluster();
  const rules = [
    { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
    { action: "FailJob", onExitCodes: { operator: "In", values: [42] } },
  ];
  await fc.create(RES, pi({ backoffLimit: 0, podFailurePolicy: { rules } }));
  await settle(c, fc, "pi");
  // Exit code 42 too, but the first rule that matches decides.
  await failPod(fc, pods(fc)[0].metadata.name!, 42, [{ type: "DisruptionTarget", status: "True" }]);
  await settle(c, fc, "pi");
  assert.equal(condition(fc, "Failed"), undefined);
  assert.equal(job(fc).status?.failed, undefined, "0, omitted as Go omits it");
  fc.clock += 10_000;
  await settle(c, fc, "pi");
  const replacement = byPhase(fc, "Pending");
  assert.equal(replacement.length, 1, "replaced");
  await failPod(fc, replacement[0].metadata.name!, 1);
  await settle(c, fc, "pi");
  assert.equal(job(fc).status?.failed, 1);
  assert.equal(condition(fc, "Failed")?.reason, "BackoffLimitExceeded");
});

test("backoffLimitPerIndex: an index is retried up to its limit with its failure count on the next pod, then fails; the Job fails with FailedIndexes once every index is done", async () => {
  const fc = new FakeCluster();
  await fc.create(RES, pi({ completionMode: "Indexed", completions: 3, parallelism: 3, backoffLimitPerIndex: 1 }));
  await settle(c, fc, "pi");
  const index = (p: Pod) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"];
  const ofIndex = (i: string) => byPhase(fc, "Pending").find((p) => index(p) === i)!;
  await failPod(fc, ofIndex("1").metadata.name!, 3);
  const r = await settle(c, fc, "pi");
  assert.deepEqual(r, { requeueAfterMs: 10_000 }, "index 1 waits out its backoff");
  assert.equal(job(fc).status?.failedIndexes, "");
  fc.clock += 10_000;
  await settle(c, fc, "pi");
  const retry = ofIndex("1");
  assert.equal(retry.metadata.annotations?.["batch.kubernetes.io/job-index-failure-count"], "1");
  assert.match(retry.metadata.name!, /^pi-1-[a-z0-9]{5}$/);
  await failPod(fc, retry.metadata.name!, 3);
  await settle(c, fc, "pi");
  assert.equal(job(fc).status?.failedIndexes, "1");
  assert.equal(byPhase(fc, "Pending").filter((p) => index(p) === "1").length, 0, "a failed index gets no more pods");
  assert.equal(condition(fc, "Failed"), undefined, "the other indexes still run");
  await finishAll(fc, "Succeeded");
  await settle(c, fc, "pi");
  const st = job(fc).status!;
  assert.deepEqual([st.completedIndexes, st.failedIndexes, st.failed, st.succeeded], ["0,2", "1", 2, 2]);
  assert.deepEqual([condition(fc, "Failed")?.reason, condition(fc, "Failed")?.message], ["FailedIndexes", "Job has failed indexes"]);
});

test("backoffLimitPerIndex: a FailIndex rule fails its index at once; past maxFailedIndexes the Job fails", async () => {
  const fc = new FakeCluster();
  const rules = [{ action: "FailIndex", onExitCodes: { operator: "In", values: [7] } }];
  await fc.create(RES, pi({ completionMode: "Indexed", completions: 4, parallelism: 4, backoffLimitPerIndex: 5, maxFailedIndexes: 1, podFailurePolicy: { rules } }));
  await settle(c, fc, "pi");
  const index = (p: Pod) => p.metadata.annotations?.["batch.kubernetes.io/job-completion-index"];
  const ofIndex = (i: string) => byPhase(fc, "Pending").find((p) => index(p) === i)!;
  await failPod(fc, ofIndex("0").metadata.name!, 7);
  await settle(c, fc, "pi");
  assert.equal(job(fc).status?.failedIndexes, "0");
  assert.equal(condition(fc, "Failed"), undefined);
  await failPod(fc, ofIndex("3").metadata.name!, 7);
  await settle(c, fc, "pi");
  assert.equal(job(fc).status?.failedIndexes, "0,3");
  assert.equal(condition(fc, "Failed")?.reason, "MaxFailedIndexesExceeded");
  assert.equal(byPhase(fc, "Pending").length, 0, "what still ran is deleted");
});

test("completedIndexes lists two indexes in a row apart, three or more as a range (orderedIntervals.String)", () => {
  assert.equal(formatIntervals(new Set([1, 2])), "1,2");
  assert.equal(formatIntervals(new Set([0, 1, 2, 5, 7, 8])), "0-2,5,7,8");
});
