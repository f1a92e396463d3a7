/**
 * The kubelet's decisions as pure functions, like computePodActions and
 * generateAPIPodStatus in the real kubelet: given a pod's spec, what the
 * runtime holds for it and what the kubelet remembers (back-off, probe
 * results), say what to start or kill next and what the pod's status is.
 * No I/O here, so every rule is unit-tested without a runtime.
 */
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from "kubernetes-types/core/v1";
import { LABELS, type ContainerInfo, type ContainerRole } from "../runtime/types.js";
import { fnv32a } from "../../../src/apimachinery/hash.js";

/** What the runtime holds for one pod. */
export interface Observed {
  sandbox?: ContainerInfo;
  /** Instances per container name, newest first. */
  containers: Map<string, ContainerInfo[]>;
}

/** What the kubelet remembers about one container between syncs. */
export interface ContainerMemory {
  /** Waiting reason/message to report (image pull errors, config errors, back-off). */
  waiting?: { reason: string; message: string };
  /** Current back-off period in seconds (undefined before the first restart). */
  backoffSeconds?: number;
  /** When the last restart happened (ms). */
  lastRestartAt?: number;
  /** Readiness probe result (undefined: no readiness probe result yet). */
  ready?: boolean;
  /** Startup probe passed (or there is none). */
  started?: boolean;
  /** Liveness probe is over its failure threshold: kill and restart. */
  livenessFailed?: boolean;
}

export const BACKOFF_BASE_SECONDS = 10;
export const BACKOFF_MAX_SECONDS = 300;

export const attemptOf = (c: ContainerInfo) => Number(c.labels[LABELS.attempt] ?? 0);
export const newest = (o: Observed, name: string): ContainerInfo | undefined => o.containers.get(name)?.[0];

/** A container's spec hash: a change (e.g. `kubectl set image`) restarts it, as Kubernetes does. */
export function specHash(c: Container): string {
  return fnv32a(new TextEncoder().encode(JSON.stringify({ image: c.image, command: c.command, args: c.args, env: c.env, envFrom: c.envFrom, ports: c.ports, volumeMounts: c.volumeMounts, workingDir: c.workingDir, resources: c.resources, securityContext: c.securityContext }))).toString(16);
}

export type Action =
  | { type: "sandbox"; recreate: boolean }
  | { type: "start"; container: Container; role: ContainerRole; attempt: number }
  | { type: "kill"; id: string; name: string; reason: string; message: string }
  | { type: "backoff"; name: string; untilMs: number; message: string };

export interface Plan {
  actions: Action[];
  /** The pod reached a terminal phase in this plan's view. */
  terminal?: "Succeeded" | "Failed";
}

function shouldRestart(policy: string, exitCode: number | undefined): boolean {
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

/** Back-off before restarting: the first restart is immediate, then 10 s doubling to 5 min. */
export function backoffWait(mem: ContainerMemory | undefined, now: number): number {
  if (mem?.backoffSeconds === undefined || mem.lastRestartAt === undefined) return 0;
  return Math.max(0, mem.lastRestartAt + mem.backoffSeconds * 1000 - now);
}

export function nextBackoff(mem: ContainerMemory, now: number, ranMs: number): void {
  // A container that ran for 10 minutes before failing starts its back-off over.
  if (ranMs > 10 * 60_000) mem.backoffSeconds = undefined;
  mem.backoffSeconds = mem.backoffSeconds === undefined ? BACKOFF_BASE_SECONDS : Math.min(BACKOFF_MAX_SECONDS, mem.backoffSeconds * 2);
  mem.lastRestartAt = now;
}

const podRef = (pod: Pod) => `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;

/** What to do next for a pod that should be running on this node. */
export function plan(pod: Pod, o: Observed, mem: Map<string, ContainerMemory>, now: number): Plan {
  const policy = pod.spec?.restartPolicy ?? "Always";
  const actions: Action[] = [];
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") {
    for (const list of o.containers.values()) for (const c of list) if (c.state === "running") actions.push({ type: "kill", id: c.id, name: c.labels[LABELS.containerName], reason: "Completed", message: `pod is ${phase}` });
    return { actions, terminal: phase };
  }
  if (!o.sandbox || o.sandbox.state !== "running") {
    actions.push({ type: "sandbox", recreate: !!o.sandbox });
    return { actions };
  }
  const restartOrBackoff = (c: Container, cur: ContainerInfo, role: ContainerRole) => {
    const m = mem.get(c.name);
    const wait = backoffWait(m, now);
    if (wait > 0) {
      actions.push({ type: "backoff", name: c.name, untilMs: now + wait, message: `back-off ${m!.backoffSeconds}s restarting failed container=${c.name} pod=${podRef(pod)}` });
    } else actions.push({ type: "start", container: c, role, attempt: attemptOf(cur) + 1 });
  };
  // Ephemeral containers (kubectl debug) start once, even while init containers run, and never restart.
  for (const c of pod.spec?.ephemeralContainers ?? []) {
    const cur = newest(o, c.name);
    if (!cur || cur.state === "created") actions.push({ type: "start", container: c as Container, role: "ephemeral", attempt: 0 });
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const cur = newest(o, c.name);
    if (cur?.state === "exited" && cur.exitCode === 0) continue;
    if (!cur) actions.push({ type: "start", container: c, role: "init", attempt: 0 });
    else if (cur.state === "created") actions.push({ type: "start", container: c, role: "init", attempt: attemptOf(cur) });
    else if (cur.state === "exited") {
      if (policy === "Never") return { actions, terminal: "Failed" };
      restartOrBackoff(c, cur, "init");
    }
    return { actions };
  }
  let finished = 0;
  let failed = 0;
  const containers = pod.spec?.containers ?? [];
  for (const c of containers) {
    const cur = newest(o, c.name);
    const m = mem.get(c.name);
    if (!cur) {
      actions.push({ type: "start", container: c, role: "app", attempt: 0 });
      continue;
    }
    if (cur.state === "created") {
      actions.push({ type: "start", container: c, role: "app", attempt: attemptOf(cur) });
      continue;
    }
    if (cur.state === "running") {
      if (m?.livenessFailed) actions.push({ type: "kill", id: cur.id, name: c.name, reason: "Unhealthy", message: `Container ${c.name} failed liveness probe, will be restarted` });
      else if (cur.labels[LABELS.specHash] && cur.labels[LABELS.specHash] !== specHash(c)) actions.push({ type: "kill", id: cur.id, name: c.name, reason: "Killing", message: `Container ${c.name} definition changed, will be restarted` });
      continue;
    }
    if (shouldRestart(policy, cur.exitCode)) restartOrBackoff(c, cur, "app");
    else {
      finished++;
      if (cur.exitCode !== 0) failed++;
    }
  }
  if (containers.length > 0 && finished === containers.length) return { actions, terminal: failed > 0 ? "Failed" : "Succeeded" };
  return { actions };
}

const isoOrUndef = (s?: string) => (s ? s.replace(/\.\d+Z$/, "Z").replace(/\.\d+(\+|-)/, "$1") : undefined);

function terminatedState(c: ContainerInfo, runtime: string) {
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason ?? (c.exitCode === 0 ? "Completed" : "Error"),
      startedAt: isoOrUndef(c.startedAt) ?? null,
      finishedAt: isoOrUndef(c.finishedAt) ?? null,
      containerID: `${runtime}://${c.id}`,
    },
  };
}

export interface StatusContext {
  runtime: string;
  hostIP: string;
  startTime: string;
  now: string;
  /** Pod IP from the sandbox, or the host's for hostNetwork pods. */
  podIP?: string;
}

function containerStatus(c: Container, o: Observed, m: ContainerMemory | undefined, ctx: StatusContext, hasReadiness: boolean, initDone: boolean, isInit: boolean): ContainerStatus {
  const list = o.containers.get(c.name) ?? [];
  const cur = list[0];
  const prev = list[1];
  const st: ContainerStatus = { name: c.name, image: c.image ?? "", imageID: cur?.imageId ?? "", ready: false, restartCount: cur ? attemptOf(cur) : 0, state: {}, lastState: {} };
  if (cur) st.containerID = `${ctx.runtime}://${cur.id}`;
  if (prev && prev.state === "exited") st.lastState = terminatedState(prev, ctx.runtime) as ContainerStatus["lastState"];
  if (m?.waiting) {
    st.state = { waiting: { reason: m.waiting.reason, message: m.waiting.message } };
    if (cur && cur.state === "exited") st.lastState = terminatedState(cur, ctx.runtime) as ContainerStatus["lastState"];
  } else if (!cur || cur.state === "created") st.state = { waiting: { reason: isInit || initDone ? "ContainerCreating" : "PodInitializing" } };
  else if (cur.state === "running") {
    st.state = { running: { startedAt: isoOrUndef(cur.startedAt) ?? ctx.now } };
    const started = m?.started ?? !c.startupProbe;
    st.started = started;
    st.ready = !isInit && started && (hasReadiness ? m?.ready === true : true);
  } else st.state = terminatedState(cur, ctx.runtime) as ContainerStatus["state"];
  if (isInit && cur?.state === "exited" && cur.exitCode === 0) st.ready = true;
  if (!isInit && st.started === undefined) st.started = false;
  return st;
}

/** The pod's phase from its containers, by Kubernetes' getPhase rules. */
export function podPhase(pod: Pod, statuses: ContainerStatus[], initStatuses: ContainerStatus[], terminal?: "Succeeded" | "Failed"): string {
  if (terminal) return terminal;
  const policy = pod.spec?.restartPolicy ?? "Always";
  for (const s of initStatuses) {
    if (s.state?.terminated?.exitCode === 0) continue;
    if (s.state?.terminated && policy === "Never") return "Failed";
    return "Pending";
  }
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped === statuses.length && statuses.length > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    return policy === "Never" ? "Failed" : "Running";
  }
  return "Pending";
}

/** The whole PodStatus the kubelet reports (conditions keep their transition times while they hold). */
export function podStatus(pod: Pod, o: Observed, mem: Map<string, ContainerMemory>, ctx: StatusContext, terminal?: "Succeeded" | "Failed"): PodStatus {
  const inits = pod.spec?.initContainers ?? [];
  const initStatuses = inits.map((c) => containerStatus(c, o, mem.get(c.name), ctx, false, false, true));
  const initDone = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const statuses = (pod.spec?.containers ?? []).map((c) => containerStatus(c, o, mem.get(c.name), ctx, !!c.readinessProbe, initDone, false));
  const phase = podPhase(pod, statuses, initStatuses, terminal);
  const prev = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string): PodCondition => {
    const before = prev.find((c) => c.type === type);
    const status = ok ? "True" : "False";
    const c: PodCondition = { type, status, lastProbeTime: null as unknown as string, lastTransitionTime: before && before.status === status ? before.lastTransitionTime : ctx.now };
    if (!ok && reason) c.reason = reason;
    return c;
  };
  const sandboxReady = o.sandbox?.state === "running";
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
  const notReady = statuses.filter((s) => !s.ready).map((s) => s.name);
  const readyReason = phase === "Succeeded" || phase === "Failed" ? "PodCompleted" : "ContainersNotReady";
  const conditions = [
    cond("PodReadyToStartContainers", sandboxReady),
    cond("Initialized", initDone, phase === "Succeeded" || phase === "Failed" ? "PodCompleted" : "ContainersNotInitialized"),
    { ...cond("Ready", allReady, readyReason), ...(allReady ? {} : { message: `containers with unready status: [${notReady.join(" ")}]` }) },
    { ...cond("ContainersReady", allReady, readyReason), ...(allReady ? {} : { message: `containers with unready status: [${notReady.join(" ")}]` }) },
    ...prev.filter((c) => c.type === "PodScheduled"),
  ];
  if (!initDone) {
    const pending = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
    conditions[1] = { ...conditions[1], message: `containers with incomplete status: [${pending.join(" ")}]` };
  }
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: ctx.hostIP,
    hostIPs: [{ ip: ctx.hostIP }],
    startTime: ctx.startTime,
    containerStatuses: statuses,
    qosClass: pod.status?.qosClass,
  };
  if (ctx.podIP) {
    status.podIP = ctx.podIP;
    status.podIPs = [{ ip: ctx.podIP }];
  }
  if (inits.length) status.initContainerStatuses = initStatuses;
  const ephemeral = pod.spec?.ephemeralContainers ?? [];
  // Never ready and never restarted: they serve no traffic and count for nothing in the pod's phase.
  if (ephemeral.length) status.ephemeralContainerStatuses = ephemeral.map((c) => ({ ...containerStatus(c as Container, o, mem.get(c.name), ctx, false, true, false), ready: false }));
  return status;
}
