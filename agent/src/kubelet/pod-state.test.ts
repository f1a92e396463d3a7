import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { LABELS, type ContainerInfo } from "../runtime/types.js";
import { plan, podStatus, specHash, nextBackoff, type ContainerMemory, type Observed } from "./pod-state.js";

const pod = (over: Partial<Pod["spec"]> = {}): Pod => ({
  metadata: { name: "p", namespace: "ns", uid: "u1" },
  spec: { containers: [{ name: "a", image: "img:1" }], ...over },
  status: { phase: "Pending", conditions: [{ type: "PodScheduled", status: "True" }] },
});
let n = 0;
const info = (name: string, state: ContainerInfo["state"], extra: Partial<ContainerInfo> = {}, attempt = 0, hash?: string): ContainerInfo => ({
  id: `id${n++}`,
  labels: { [LABELS.containerName]: name, [LABELS.attempt]: String(attempt), ...(hash ? { [LABELS.specHash]: hash } : {}) },
  image: "img:1",
  imageId: "sha256:abc",
  state,
  createdAt: "2026-01-01T00:00:00Z",
  ...(state === "running" ? { startedAt: "2026-01-01T00:00:01Z" } : {}),
  ...extra,
});
const sandbox = info("", "running", { ip: "10.88.0.5" });
const obs = (containers: [string, ContainerInfo[]][], sb: ContainerInfo | undefined = sandbox): Observed => ({ sandbox: sb, containers: new Map(containers) });
const ctx = { runtime: "docker", hostIP: "192.168.0.2", startTime: "2026-01-01T00:00:00Z", now: "2026-01-01T00:00:05Z", podIP: "10.88.0.5" };

test("a new pod gets its sandbox first, then its containers", () => {
  assert.deepEqual(plan(pod(), { containers: new Map() }, new Map(), 0).actions, [{ type: "sandbox", recreate: false }]);
  const p = plan(pod(), obs([]), new Map(), 0);
  assert.equal(p.actions.length, 1);
  assert.equal(p.actions[0].type, "start");
});

test("init containers run one at a time, in order, before app containers", () => {
  const spec = { initContainers: [{ name: "i1", image: "x" }, { name: "i2", image: "x" }] };
  let p = plan(pod(spec), obs([]), new Map(), 0);
  assert.deepEqual(p.actions.map((a) => a.type === "start" && a.container.name), ["i1"]);
  p = plan(pod(spec), obs([["i1", [info("i1", "running")]]]), new Map(), 0);
  assert.deepEqual(p.actions, []);
  p = plan(pod(spec), obs([["i1", [info("i1", "exited", { exitCode: 0 })]]]), new Map(), 0);
  assert.deepEqual(p.actions.map((a) => a.type === "start" && a.container.name), ["i2"]);
  p = plan(pod({ ...spec, restartPolicy: "Never" }), obs([["i1", [info("i1", "exited", { exitCode: 1 })]]]), new Map(), 0);
  assert.equal(p.terminal, "Failed");
});

test("restart policy: Always restarts, OnFailure only failures, Never completes the pod", () => {
  const done = (code: number) => obs([["a", [info("a", "exited", { exitCode: code })]]]);
  assert.equal(plan(pod(), done(0), new Map(), 0).actions[0].type, "start");
  assert.equal(plan(pod({ restartPolicy: "OnFailure" }), done(0), new Map(), 0).terminal, "Succeeded");
  assert.equal(plan(pod({ restartPolicy: "OnFailure" }), done(2), new Map(), 0).actions[0].type, "start");
  assert.equal(plan(pod({ restartPolicy: "Never" }), done(2), new Map(), 0).terminal, "Failed");
});

test("restarts back off 10 s, doubling, capped at 5 minutes; the restart count is the attempt", () => {
  const mem = new Map<string, ContainerMemory>([["a", {}]]);
  const m = mem.get("a")!;
  const o = obs([["a", [info("a", "exited", { exitCode: 1 }, 3)]]]);
  let p = plan(pod(), o, mem, 1000);
  assert.deepEqual(p.actions[0].type === "start" && p.actions[0].attempt, 4);
  nextBackoff(m, 1000, 5000);
  p = plan(pod(), o, mem, 5000);
  assert.equal(p.actions[0].type, "backoff");
  assert.match((p.actions[0] as { message: string }).message, /back-off 10s restarting failed container=a pod=p_ns\(u1\)/);
  assert.equal(plan(pod(), o, mem, 11_001).actions[0].type, "start");
  for (let i = 0; i < 10; i++) nextBackoff(m, 0, 1000);
  assert.equal(m.backoffSeconds, 300);
  nextBackoff(m, 0, 11 * 60_000);
  assert.equal(m.backoffSeconds, 10);
});

test("a failed liveness probe or a changed spec kills the running container", () => {
  const c = pod().spec!.containers[0];
  const running = obs([["a", [info("a", "running", {}, 0, specHash(c))]]]);
  assert.deepEqual(plan(pod(), running, new Map(), 0).actions, []);
  assert.equal(plan(pod(), running, new Map([["a", { livenessFailed: true }]]), 0).actions[0].type, "kill");
  const changed = pod();
  changed.spec!.containers[0].image = "img:2";
  assert.match((plan(changed, running, new Map(), 0).actions[0] as { message: string }).message, /definition changed/);
});

test("status: Running and Ready with ready containers; CrashLoopBackOff shows last state and restarts", () => {
  let s = podStatus(pod(), obs([["a", [info("a", "running")]]]), new Map(), ctx);
  assert.equal(s.phase, "Running");
  assert.equal(s.conditions!.find((c) => c.type === "Ready")!.status, "True");
  assert.equal(s.conditions!.find((c) => c.type === "PodScheduled")!.status, "True");
  assert.equal(s.podIP, "10.88.0.5");
  assert.equal(s.containerStatuses![0].containerID!.startsWith("docker://"), true);
  const crashed = obs([["a", [info("a", "exited", { exitCode: 1, reason: "Error", finishedAt: "2026-01-01T00:00:04Z" }, 2), info("a", "exited", { exitCode: 1 }, 1)]]]);
  s = podStatus(pod(), crashed, new Map([["a", { waiting: { reason: "CrashLoopBackOff", message: "back-off 20s" } }]]), ctx);
  const cs = s.containerStatuses![0];
  assert.equal(cs.state!.waiting!.reason, "CrashLoopBackOff");
  assert.equal(cs.lastState!.terminated!.exitCode, 1);
  assert.equal(cs.restartCount, 2);
  assert.equal(s.phase, "Running");
  assert.equal(s.conditions!.find((c) => c.type === "Ready")!.status, "False");
});

test("status: a readiness probe gates Ready; a startup probe gates started", () => {
  const p = pod({ containers: [{ name: "a", image: "x", readinessProbe: { exec: { command: ["true"] } }, startupProbe: { exec: { command: ["true"] } } }] });
  const o = obs([["a", [info("a", "running")]]]);
  let cs = podStatus(p, o, new Map(), ctx).containerStatuses![0];
  assert.equal(cs.started, false);
  assert.equal(cs.ready, false);
  cs = podStatus(p, o, new Map([["a", { started: true, ready: true }]]), ctx).containerStatuses![0];
  assert.equal(cs.started, true);
  assert.equal(cs.ready, true);
});

test("status: pending init containers make the pod Pending with PodInitializing app containers", () => {
  const p = pod({ initContainers: [{ name: "i", image: "x" }] });
  const s = podStatus(p, obs([["i", [info("i", "running")]]]), new Map(), ctx);
  assert.equal(s.phase, "Pending");
  assert.equal(s.containerStatuses![0].state!.waiting!.reason, "PodInitializing");
  assert.equal(s.conditions!.find((c) => c.type === "Initialized")!.status, "False");
});

test("ephemeral containers start once, even during init, are never restarted, and never make the pod ready or done", () => {
  const eph = { name: "debugger", image: "busybox", targetContainerName: "a" };
  const spec = { initContainers: [{ name: "i1", image: "x" }], ephemeralContainers: [eph] };
  // Started beside the running init container.
  let p = plan(pod(spec), obs([["i1", [info("i1", "running")]]]), new Map(), 0);
  assert.deepEqual(p.actions.map((a) => a.type === "start" && [a.container.name, a.role]), [["debugger", "ephemeral"]]);
  // Exited: it stays exited, while the app container is left to run.
  const running = obs([["a", [info("a", "running")]], ["debugger", [info("debugger", "exited", { exitCode: 0 })]]]);
  p = plan(pod({ ephemeralContainers: [eph] }), running, new Map(), 0);
  assert.deepEqual(p.actions, []);
  assert.equal(p.terminal, undefined);
  const st = podStatus(pod({ ephemeralContainers: [eph] }), obs([["a", [info("a", "running")]], ["debugger", [info("debugger", "running")]]]), new Map(), ctx);
  assert.equal(st.phase, "Running");
  assert.deepEqual(st.containerStatuses?.map((c) => c.name), ["a"]);
  const e = st.ephemeralContainerStatuses?.[0];
  assert.equal(e?.name, "debugger");
  assert.ok(e?.state?.running, JSON.stringify(e));
  assert.equal(e?.ready, false);
  assert.equal(st.conditions?.find((c) => c.type === "Ready")?.status, "True");
  // Not created yet: waiting as ContainerCreating.
  const waiting = podStatus(pod({ ephemeralContainers: [eph] }), obs([["a", [info("a", "running")]]]), new Map(), ctx).ephemeralContainerStatuses?.[0];
  assert.equal(waiting?.state?.waiting?.reason, "ContainerCreating");
});
