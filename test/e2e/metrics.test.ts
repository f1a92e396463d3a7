/**
 * /metrics as an operator scrapes it: Prometheus text with Kubernetes'
 * metric names, behind the same authentication as the API, and numbers that
 * move as kubectl works.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { FakeNodes } from "../../src/cli/fake-nodes.js";

let c: TestCluster;
let nodes: FakeNodes;

before(async () => {
  c = await startCluster();
  nodes = new FakeNodes({ kubeconfig: c.kubeconfig, count: 2, prefix: "m" });
  await nodes.start();
});
after(async () => {
  await nodes?.stop();
  await c?.dispose();
});

const scrape = async () => {
  const r = await c.api("/metrics");
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return r.text();
};
/** The value of one series (labels given as a substring of the label set). */
const value = (text: string, name: string, labels: string[] = []) => {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    if (labels.every((l) => line.includes(l))) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
};

test("an anonymous scrape is refused like any API call", async () => {
  const r = await c.api("/metrics", { headers: { authorization: "" } });
  assert.equal(r.status, 401);
});

test("request, storage, scheduler and controller metrics move as kubectl works", async () => {
  const before = await scrape();
  for (const name of ["apiserver_request_total", "apiserver_request_duration_seconds_bucket", "apiserver_storage_objects", "scheduler_schedule_attempts_total", "controller_runtime_reconcile_total", "workqueue_depth"]) {
    assert.match(before, new RegExp(`^# TYPE ${name.replace(/_bucket$/, "")} `, "m"), name);
  }
  const posts = value(before, "apiserver_request_total", ['verb="POST"', 'resource="deployments"', 'code="201"']);
  await c.kubectl(["create", "deployment", "metered", "--image=nginx", "--replicas=3"]);
  await eventually(async () => (await c.kubectl(["get", "pods", "-l", "app=metered", "--field-selector=status.phase=Running", "-o", "name"])).stdout.trim().split("\n").filter(Boolean).length === 3, 20_000, "3 pods Running");
  const after = await scrape();
  assert.equal(value(after, "apiserver_request_total", ['verb="POST"', 'resource="deployments"', 'code="201"']), posts + 1);
  assert.ok(value(after, "apiserver_request_total", ['verb="GET"', 'code="200"']) > 0);
  assert.ok(value(after, "apiserver_storage_objects", ['resource="pods"']) >= 3);
  assert.ok(value(after, "apiserver_storage_objects", ['resource="deployments.apps"']) >= 1);
  assert.ok(value(after, "scheduler_schedule_attempts_total", ['result="scheduled"']) >= 3);
  assert.ok(value(after, "controller_runtime_reconcile_total", ['controller="replicaset"', 'result="success"']) >= 1);
  assert.ok(value(after, "apiserver_request_duration_seconds_count", ['verb="POST"', 'resource="deployments"']) >= 1);
  // A 404 is counted with its code too.
  await c.kubectl(["get", "deployment", "nope"], { allowFail: true });
  assert.ok(value(await scrape(), "apiserver_request_total", ['verb="GET"', 'resource="deployments"', 'code="404"']) >= 1);
});

test("kubectl get events -w streams the Events components record as they happen", async () => {
  const watch = c.kubectlStream(["get", "events", "-w", "--output-watch-events"]);
  try {
    await new Promise((r) => setTimeout(r, 1500));
    await c.kubectl(["create", "deployment", "evented", "--image=nginx", "--replicas=2"]);
    await eventually(() => /ScalingReplicaSet\s+.*deployment\/evented\s+Scaled up replica set evented-\S+ to 2/.test(watch.output()) || undefined, 20_000, "ScalingReplicaSet in the stream");
    await eventually(() => /SuccessfulCreate\s+.*replicaset\/evented-\S+\s+Created pod: evented-/.test(watch.output()) || undefined, 20_000, "SuccessfulCreate in the stream");
    await eventually(() => /Scheduled\s+.*pod\/evented-\S+\s+Successfully assigned default\/evented-\S+ to m-\d/.test(watch.output()) || undefined, 20_000, "Scheduled in the stream");
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${watch.output()}`);
  } finally {
    watch.stop();
  }
});
