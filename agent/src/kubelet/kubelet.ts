/**
 * The kubelet role: make this host run what the API says should run here.
 *
 * Like the real kubelet it is level-triggered. A watch on the pods bound to
 * this node (fieldSelector spec.nodeName) keeps the desired set; a relist of
 * the runtime (the PLEG) keeps the actual set, found again by labels after an
 * agent restart so running containers are adopted, never duplicated. Each pod
 * has a worker that syncs it one step at a time (pod-state.ts decides; this
 * module does the I/O): sandbox, volumes, image, init containers in order,
 * app containers, probes, restarts with back-off, graceful termination, and a
 * status patch whenever what it would report changes. Pods keep running
 * through a control-plane outage: nothing is stopped because the API is
 * unreachable, only because the API said so.
 */
import { podDns } from "../dns/records.js";
import { Histogram } from "../../../src/metrics/prom.js";
import type { Container, EphemeralContainer, Pod, Secret, ConfigMap, Service, PersistentVolumeClaim, PersistentVolume, Lifecycle, LifecycleHandler } from "kubernetes-types/core/v1";
import * as http from "node:http";
import { KubeError, type KubeClient } from "../../../src/cli/kube-client.js";
import { LABELS, type ContainerInfo, type ContainerRole, type ContainerSpec, type Runtime, type SandboxInfo, type SandboxSpec } from "../runtime/types.js";
import { attemptOf, nextBackoff, plan, podStatus, specHash, type ContainerMemory, type Observed } from "./pod-state.js";
import { containerEnv, ConfigError, expand } from "./env.js";
import { cleanupPodDir, containerMounts, memoryVolumeName, setupVolumes, type VolumeRefs, type VolumeSources } from "./volumes.js";
import { authsFor, ImageError, pullPolicy, pullSecretNames } from "./images.js";
import { EventRecorder } from "./events.js";
import { ProbeSkip, ProbeWorker } from "./prober.js";
import { timeNow } from "./lease.js";
import { toMilli, toValue, parseQuantity } from "../../../src/apimachinery/quantity.js";

export interface KubeletOptions {
  client: KubeClient;
  runtime: Runtime;
  node: string;
  dataDir: string;
  hostIP: string;
  cpus: number;
  memoryBytes: number;
  /** "docker" or "podman": the containerID scheme. */
  runtimeName: string;
  allowPrivileged?: boolean;
  /** The cluster DNS address for pods with dnsPolicy ClusterFirst, when the node serves one. */
  clusterDns?: () => string | undefined;
  /** PLEG relist period (ms). */
  relistMs?: number;
  /** Periodic resync of every pod (volumes, status), ms. */
  resyncMs?: number;
  log?: (m: string) => void;
}

interface Worker {
  uid: string;
  pod?: Pod;
  mem: Map<string, ContainerMemory>;
  probes: Map<string, ProbeWorker>;
  busy: boolean;
  again: boolean;
  timer?: ReturnType<typeof setTimeout>;
  lastStatus?: string;
  startTime?: string;
  podIP?: string;
  volumes?: VolumeSources;
  volumesAt?: number;
  deleting?: boolean;
  /** Set when the pod reached a terminal phase: containers stay for logs, nothing restarts. */
  terminal?: "Succeeded" | "Failed";
  /** Containers this sync round created, to look at before the next step. */
  created: string[];
}

const emptyObserved = (): Observed => ({ containers: new Map() });
const observedContainers = (o: Observed | undefined): ContainerInfo[] => (o ? [...(o.sandbox ? [o.sandbox] : []), ...[...o.containers.values()].flat()] : []);

/** One pod's containers as the kubelet reasons about them: its live sandbox, and each container's instances newest first. */
function groupObserved(list: ContainerInfo[]): Observed {
  const o: Observed = { containers: new Map() };
  for (const c of [...list].sort((a, b) => attemptOf(b) - attemptOf(a) || b.createdAt.localeCompare(a.createdAt))) {
    if (c.labels[LABELS.role] === "sandbox") {
      if (!o.sandbox || (o.sandbox.state !== "running" && c.state === "running")) o.sandbox = c;
    } else {
      const name = c.labels[LABELS.containerName];
      const arr = o.containers.get(name) ?? [];
      arr.push(c);
      o.containers.set(name, arr);
    }
  }
  return o;
}
const key = (ns: string | undefined, name: string | undefined) => `${ns}/${name}`;
const podPath = (p: Pod) => `/api/v1/namespaces/${p.metadata!.namespace}/pods/${p.metadata!.name}`;

/** Where each kind of container is in the pod spec (events' fieldPath). */
const FIELD_OF_ROLE: Record<ContainerRole, string> = { init: "initContainers", app: "containers", ephemeral: "ephemeralContainers" };

/** kubelet's buckets for kubelet_pod_start_duration_seconds. */
const POD_START_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

export class Kubelet {
  readonly workers = new Map<string, Worker>();
  private byName = new Map<string, string>();
  private observed = new Map<string, Observed>();
  private stopWatch?: () => void;
  private timers: ReturnType<typeof setInterval>[] = [];
  private relisting?: Promise<void>;
  private relistAgain = false;
  private synced = false;
  private stopped = false;
  private lastStates = new Map<string, string>();
  private refreshedAt = new Map<string, number>();
  readonly events: EventRecorder;
  private log: (m: string) => void;
  /** Pod start latency, creation to Running observed, for /metrics (kubelet's own histogram and buckets). */
  readonly podStartDuration = new Histogram("kubelet_pod_start_duration_seconds", "Duration in seconds from a pod's creation to it being seen Running", POD_START_BUCKETS);
  runtimeErrors = 0;

  constructor(private o: KubeletOptions) {
    this.log = o.log ?? ((m) => console.error(m));
    this.events = new EventRecorder(o.client, o.node, this.log);
  }

  async start(): Promise<void> {
    await this.relist();
    this.stopWatch = this.o.client.watch(
      `/api/v1/pods?fieldSelector=${encodeURIComponent(`spec.nodeName=${this.o.node}`)}`,
      (type, obj) => this.onPod(type, obj as unknown as Pod),
      (e) => this.log(`pod watch: ${(e as Error).message} (pods keep running; retrying)`),
      (items) => this.onList(items as unknown as Pod[]),
    );
    this.timers.push(setInterval(() => void this.relist(), this.o.relistMs ?? 1000));
    this.timers.push(setInterval(() => { for (const uid of this.workers.keys()) this.enqueue(uid); }, this.o.resyncMs ?? 10_000));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatch?.();
    for (const t of this.timers) clearInterval(t);
    for (const w of this.workers.values()) {
      clearTimeout(w.timer);
      for (const p of w.probes.values()) p.stop();
    }
  }

  /** A full list from the API: pods missing from it are gone (deleted while we were not watching). */
  private onList(items: Pod[]): void {
    const uids = new Set(items.map((p) => p.metadata!.uid!));
    for (const [uid, w] of this.workers) if (!uids.has(uid) && w.pod) this.onPod("DELETED", w.pod);
    if (!this.synced) {
      this.synced = true;
      // Containers of pods the API no longer has (deleted while the agent was down) are stopped.
      for (const uid of this.observed.keys()) if (!uids.has(uid)) this.enqueue(uid);
    }
  }

  private onPod(type: string, pod: Pod): void {
    const uid = pod.metadata!.uid!;
    let w = this.workers.get(uid);
    if (type === "DELETED") {
      if (w) w.pod = undefined;
      this.byName.delete(key(pod.metadata?.namespace, pod.metadata?.name));
      this.enqueue(uid);
      return;
    }
    if (!w) {
      w = { uid, mem: new Map(), probes: new Map(), busy: false, again: false, startTime: pod.status?.startTime, created: [] };
      this.workers.set(uid, w);
    }
    w.pod = pod;
    this.byName.set(key(pod.metadata?.namespace, pod.metadata?.name), uid);
    this.enqueue(uid);
  }

  /** Find a pod and the runtime's containers for the tunnel handlers. */
  lookup(namespace: string, name: string): { pod: Pod; observed: Observed } | undefined {
    const uid = this.byName.get(key(namespace, name));
    const w = uid ? this.workers.get(uid) : undefined;
    if (!w?.pod) return undefined;
    return { pod: w.pod, observed: this.observed.get(w.uid) ?? emptyObserved() };
  }

  /** The pods this kubelet runs, for its local /pods endpoint. */
  pods(): Pod[] {
    return [...this.workers.values()].flatMap((w) => (w.pod ? [w.pod] : []));
  }

  /** PLEG: relist the runtime; pods whose containers changed state are synced. */
  relist(): Promise<void> {
    if (this.relisting) {
      this.relistAgain = true;
      return this.relisting;
    }
    this.relisting = (async () => {
      do {
        this.relistAgain = false;
        const startedAt = Date.now();
        let list: ContainerInfo[];
        try {
          list = await this.o.runtime.list(this.o.node);
        } catch (e) {
          this.runtimeErrors++;
          this.log(`runtime list: ${(e as Error).message}`);
          return;
        }
        const next = new Map<string, Observed>();
        // A pod looked at after this list began knows better (its sync created containers the list may miss).
        const fresher = new Set([...this.refreshedAt].filter(([, t]) => t >= startedAt).map(([uid]) => uid));
        list = list.filter((c) => !fresher.has(c.labels[LABELS.podUid]));
        const byPod = new Map<string, ContainerInfo[]>();
        for (const c of list) {
          const uid = c.labels[LABELS.podUid];
          if (uid) byPod.set(uid, [...(byPod.get(uid) ?? []), c]);
        }
        for (const [uid, cs] of byPod) next.set(uid, groupObserved(cs));
        const states = new Map<string, string>();
        for (const c of list) states.set(c.id, `${c.state}/${c.exitCode ?? ""}`);
        const changed = new Set<string>();
        for (const c of list) if (this.lastStates.get(c.id) !== states.get(c.id)) changed.add(c.labels[LABELS.podUid]);
        for (const id of this.lastStates.keys()) if (!states.has(id)) for (const [uid, o] of this.observed) if (o.sandbox?.id === id || [...o.containers.values()].some((l) => l.some((c) => c.id === id))) changed.add(uid);
        for (const uid of fresher) {
          const o = this.observed.get(uid);
          if (o) next.set(uid, o);
          for (const c of observedContainers(o)) states.set(c.id, `${c.state}/${c.exitCode ?? ""}`);
        }
        this.lastStates = states;
        this.observed = next;
        for (const uid of changed) if (uid && (this.workers.has(uid) || this.synced)) this.enqueue(uid);
      } while (this.relistAgain);
    })().finally(() => (this.relisting = undefined));
    return this.relisting;
  }

  /** Look again at one pod's containers (those known and those just created), without a full relist. */
  private async refreshPod(w: Worker): Promise<void> {
    const ids = new Set([...observedContainers(this.observed.get(w.uid)).map((c) => c.id), ...w.created.splice(0)]);
    const infos = (await Promise.all([...ids].map((id) => this.o.runtime.inspect(id)))).filter((c): c is ContainerInfo => !!c);
    this.observed.set(w.uid, groupObserved(infos));
    this.refreshedAt.set(w.uid, Date.now());
    for (const c of infos) this.lastStates.set(c.id, `${c.state}/${c.exitCode ?? ""}`);
  }

  enqueue(uid: string): void {
    if (this.stopped) return;
    let w = this.workers.get(uid);
    if (!w) {
      // Containers with no pod we know of: only act once the first API list has told us it is really gone.
      if (!this.synced) return;
      w = { uid, mem: new Map(), probes: new Map(), busy: false, again: false, created: [] };
      this.workers.set(uid, w);
    }
    if (w.busy) {
      w.again = true;
      return;
    }
    w.busy = true;
    void (async () => {
      try {
        do {
          w.again = false;
          await this.sync(w);
        } while (w.again && !this.stopped);
      } finally {
        w.busy = false;
      }
    })();
  }

  private async sync(w: Worker): Promise<void> {
    try {
      for (let i = 0; i < 8; i++) {
        const acted = w.pod && !w.pod.metadata?.deletionTimestamp ? await this.syncRunning(w, w.pod) : await this.syncTerminating(w);
        if (!acted) break;
        await this.refreshPod(w);
      }
      if (w.pod && !w.pod.metadata?.deletionTimestamp) await this.reportStatus(w, w.pod);
    } catch (e) {
      this.runtimeErrors++;
      this.log(`sync ${w.pod ? key(w.pod.metadata?.namespace, w.pod.metadata?.name) : w.uid}: ${(e as Error).message}`);
      clearTimeout(w.timer);
      w.timer = setTimeout(() => this.enqueue(w.uid), 2000);
    }
  }

  /** One step towards what the pod wants; returns whether something was done (then relist and go again). */
  private async syncRunning(w: Worker, pod: Pod): Promise<boolean> {
    const o = this.observed.get(w.uid) ?? emptyObserved();
    w.startTime ??= timeNow();
    if (o.sandbox?.ip) w.podIP = o.sandbox.ip;
    else if (pod.spec?.hostNetwork) w.podIP = this.o.hostIP;
    if (w.volumes && Date.now() - (w.volumesAt ?? 0) > 60_000 && o.sandbox) await this.refreshVolumes(w, pod);
    const now = Date.now();
    const p = plan(w.terminal ? { ...pod, status: { ...pod.status, phase: w.terminal } } : pod, o, w.mem, now);
    let acted = false;
    for (const a of p.actions) {
      if (a.type === "sandbox") {
        await this.startSandbox(w, pod, o, a.recreate);
        return true;
      }
      if (a.type === "start") {
        const started = await this.startContainer(w, pod, o, a.container, a.attempt, a.role);
        acted ||= started;
      } else if (a.type === "kill") {
        const m = w.mem.get(a.name) ?? {};
        w.mem.set(a.name, m);
        if (a.reason === "Unhealthy") m.livenessFailed = false;
        this.events.pod(pod, "Normal", "Killing", a.message, `spec.containers{${a.name}}`);
        const c = pod.spec?.containers.find((x) => x.name === a.name);
        this.resetProbes(w, a.name);
        await this.stopContainer(pod, a.id, c, this.grace(pod));
        acted = true;
      } else if (a.type === "backoff") {
        const m = w.mem.get(a.name) ?? {};
        w.mem.set(a.name, m);
        if (m.waiting?.reason !== "CrashLoopBackOff") this.events.pod(pod, "Warning", "BackOff", `Back-off restarting failed container ${a.name} in pod ${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`, `spec.containers{${a.name}}`);
        m.waiting = { reason: "CrashLoopBackOff", message: a.message };
        clearTimeout(w.timer);
        w.timer = setTimeout(() => this.enqueue(w.uid), Math.max(0, a.untilMs - Date.now()) + 50);
      }
    }
    // Running containers found after an agent restart (adopted) get their probes back.
    if (!p.terminal && !w.terminal) {
      for (const c of pod.spec?.containers ?? []) {
        const cur = o.containers.get(c.name)?.[0];
        const probed = c.livenessProbe || c.readinessProbe || c.startupProbe;
        if (probed && cur?.state === "running" && ![...w.probes.keys()].some((k) => k.startsWith(`${c.name}/`))) this.startProbes(w, pod, c);
      }
    }
    if (p.terminal && !w.terminal) {
      w.terminal = p.terminal;
      for (const pr of w.probes.values()) pr.stop();
      w.probes.clear();
      if (o.sandbox?.state === "running") await this.o.runtime.stop(o.sandbox.id, 0);
      acted = true;
    }
    return acted;
  }

  private grace(pod: Pod): number {
    return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  }

  private refs(): VolumeRefs {
    const c = this.o.client;
    const cache = new Map<string, Promise<unknown>>();
    const get = <T>(path: string): Promise<T | undefined> => {
      let p = cache.get(path);
      if (!p) {
        p = c.get<T>(path).catch((e) => {
          if (e instanceof KubeError && e.code === 404) return undefined;
          throw e;
        });
        cache.set(path, p);
      }
      return p as Promise<T | undefined>;
    };
    return {
      configMap: (ns, name) => get<ConfigMap>(`/api/v1/namespaces/${ns}/configmaps/${name}`),
      secret: (ns, name) => get<Secret>(`/api/v1/namespaces/${ns}/secrets/${name}`),
      services: async (ns) => {
        const own = await this.servicesOf(ns);
        if (ns === "default") return own;
        const k8s = await get<Service>(`/api/v1/namespaces/default/services/kubernetes`);
        return k8s ? [k8s, ...own] : own;
      },
      pvc: (ns, name) => get<PersistentVolumeClaim>(`/api/v1/namespaces/${ns}/persistentvolumeclaims/${name}`),
      pv: (name) => get<PersistentVolume>(`/api/v1/persistentvolumes/${name}`),
      token: async (ns, sa, audience, seconds, pod) => {
        // A token is reused until 80% of its life has passed, as the kubelet's token manager does.
        const key = `${pod.metadata?.uid}/${sa}/${audience ?? ""}/${seconds}`;
        const hit = this.tokens.get(key);
        if (hit && Date.now() < hit.refreshAt) return hit.token;
        try {
          const r = await c.post<{ status?: { token?: string } }>(`/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
            apiVersion: "authentication.k8s.io/v1",
            kind: "TokenRequest",
            spec: { audiences: audience ? [audience] : [], expirationSeconds: seconds, boundObjectRef: { kind: "Pod", apiVersion: "v1", name: pod.metadata?.name, uid: pod.metadata?.uid } },
          });
          const token = r.status?.token;
          for (const [k, t] of this.tokens) if (Date.now() > t.expiresAt) this.tokens.delete(k);
          if (token) this.tokens.set(key, { token, refreshAt: Date.now() + seconds * 800, expiresAt: Date.now() + seconds * 1000 });
          return token;
        } catch (e) {
          if (e instanceof KubeError && (e.code === 404 || e.code === 405)) return undefined;
          throw e;
        }
      },
    };
  }

  /** Issued service-account tokens by pod/sa/audience/lifetime. */
  private tokens = new Map<string, { token: string; refreshAt: number; expiresAt: number }>();
  private serviceCache = new Map<string, { at: number; items: Promise<Service[]> }>();
  /** A namespace's Services for service-link env vars, cached for a few seconds (many pods start at once). */
  private servicesOf(ns: string): Promise<Service[]> {
    const hit = this.serviceCache.get(ns);
    if (hit && Date.now() - hit.at < 5000) return hit.items;
    const items = this.o.client.get<{ items: Service[] }>(`/api/v1/namespaces/${ns}/services`).then((l) => l.items ?? []);
    items.catch(() => this.serviceCache.delete(ns));
    this.serviceCache.set(ns, { at: Date.now(), items });
    return items;
  }

  private async refreshVolumes(w: Worker, pod: Pod): Promise<void> {
    w.volumes = await setupVolumes(pod, this.o.dataDir, this.refs(), this.o.hostIP);
    w.volumesAt = Date.now();
  }

  private sandboxSpec(pod: Pod): SandboxSpec {
    const ports = (pod.spec?.containers ?? []).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({ containerPort: p.containerPort, hostPort: p.hostPort!, protocol: (p.protocol ?? "TCP") as "TCP" | "UDP", hostIP: p.hostIP })));
    const dns = podDns(pod.spec ?? {}, pod.metadata!.namespace ?? "default", this.o.clusterDns?.());
    return {
      node: this.o.node,
      namespace: pod.metadata!.namespace ?? "default",
      name: pod.metadata!.name!,
      uid: pod.metadata!.uid!,
      hostname: pod.spec?.hostname ?? pod.metadata!.name!,
      hostNetwork: !!pod.spec?.hostNetwork,
      hostPID: !!pod.spec?.hostPID,
      hostIPC: !!pod.spec?.hostIPC,
      shareProcessNamespace: !!pod.spec?.shareProcessNamespace,
      ports,
      extraHosts: (pod.spec?.hostAliases ?? []).flatMap((h) => (h.hostnames ?? []).map((n) => `${n}:${h.ip}`)),
      dnsServers: dns?.servers,
      dnsSearch: dns?.search,
      dnsOptions: dns?.options,
    };
  }

  private async startSandbox(w: Worker, pod: Pod, o: Observed, recreate: boolean): Promise<void> {
    if (recreate) {
      this.events.pod(pod, "Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
      for (const list of o.containers.values()) for (const c of list) await this.o.runtime.remove(c.id);
      if (o.sandbox) await this.o.runtime.remove(o.sandbox.id);
      w.mem.clear();
      this.resetProbes(w);
    }
    try {
      await this.refreshVolumes(w, pod);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.events.pod(pod, "Warning", "FailedMount", `MountVolume.SetUp failed: ${e.message}`);
      for (const c of pod.spec?.containers ?? []) w.mem.set(c.name, { ...w.mem.get(c.name), waiting: { reason: "ContainerCreating", message: e.message } });
      clearTimeout(w.timer);
      w.timer = setTimeout(() => this.enqueue(w.uid), 5000);
      throw e;
    }
    for (const v of pod.spec?.volumes ?? []) {
      if (v.emptyDir?.medium === "Memory") {
        const size = v.emptyDir.sizeLimit ? Number(toValue(parseQuantity(String(v.emptyDir.sizeLimit)))) : undefined;
        await this.o.runtime.createVolume(memoryVolumeName(w.uid, v.name), { tmpfs: true, sizeBytes: size, labels: { [LABELS.node]: this.o.node, [LABELS.podUid]: w.uid } });
      }
    }
    const sb = await this.o.runtime.createSandbox(this.sandboxSpec(pod));
    w.created.push(sb.id);
    w.podIP = sb.ip || (pod.spec?.hostNetwork ? this.o.hostIP : undefined);
  }

  private resetProbes(w: Worker, name?: string): void {
    for (const [k, p] of w.probes) {
      if (name === undefined || k.startsWith(`${name}/`)) {
        p.stop();
        w.probes.delete(k);
      }
    }
  }

  private async containerSpec(pod: Pod, c: Container, attempt: number, role: ContainerRole, volumes: VolumeSources, pidTarget?: string): Promise<ContainerSpec> {
    const env = await containerEnv(pod, c, this.refs(), { ip: this.o.hostIP, cpus: this.o.cpus, memory: this.o.memoryBytes });
    const psc = pod.spec?.securityContext ?? {};
    const sc = c.securityContext ?? {};
    if (sc.privileged && !this.o.allowPrivileged) throw new ConfigError("privileged containers are not allowed on this node (start the agent with --allow-privileged)");
    const lim = c.resources?.limits ?? {};
    const req = c.resources?.requests ?? {};
    const cpuLimit = lim.cpu !== undefined ? Number(toMilli(parseQuantity(String(lim.cpu)))) : undefined;
    const cpuReq = req.cpu !== undefined ? Number(toMilli(parseQuantity(String(req.cpu)))) : undefined;
    return {
      role,
      name: c.name,
      image: c.image ?? "",
      command: c.command?.map((s) => expand(s, env)),
      args: c.args?.map((s) => expand(s, env)),
      env,
      workingDir: c.workingDir,
      mounts: containerMounts(c.volumeMounts, volumes),
      tty: !!c.tty,
      stdin: !!c.stdin,
      stdinOnce: !!c.stdinOnce,
      resources: {
        cpuNanos: cpuLimit !== undefined ? cpuLimit * 1_000_000 : undefined,
        memoryBytes: lim.memory !== undefined ? Number(toValue(parseQuantity(String(lim.memory)))) : undefined,
        cpuShares: cpuReq !== undefined ? Math.max(2, Math.floor((cpuReq * 1024) / 1000)) : undefined,
      },
      securityContext: {
        runAsUser: sc.runAsUser ?? psc.runAsUser,
        runAsGroup: sc.runAsGroup ?? psc.runAsGroup,
        readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
        privileged: sc.privileged,
        capAdd: sc.capabilities?.add,
        capDrop: sc.capabilities?.drop,
      },
      attempt,
      specHash: specHash(c),
      gracePeriodSeconds: pod.spec?.terminationGracePeriodSeconds ?? 30,
      pidTarget,
    };
  }

  /** Pull if the policy says so; records Pulling/Pulled/Failed as the kubelet does. */
  private async ensureImage(pod: Pod, c: Container, field: string): Promise<void> {
    const image = c.image ?? "";
    const policy = pullPolicy(c);
    const present = await this.o.runtime.imagePresent(image);
    if (policy === "Never" && !present) throw new ImageError("ErrImageNeverPull", `Container image "${image}" is not present with pull policy of Never`);
    if (policy !== "Always" && present) {
      this.events.pod(pod, "Normal", "Pulled", `Container image "${image}" already present on machine`, field);
      return;
    }
    this.events.pod(pod, "Normal", "Pulling", `Pulling image "${image}"`, field);
    const t0 = Date.now();
    const ns = pod.metadata?.namespace ?? "default";
    const secrets = (await Promise.all(pullSecretNames(pod).map((n) => this.refs().secret(ns, n)))).filter((s): s is Secret => !!s);
    try {
      await this.o.runtime.pullImage(image, authsFor(image, secrets));
    } catch (e) {
      const msg = `Failed to pull image "${image}": ${(e as Error).message}`;
      this.events.pod(pod, "Warning", "Failed", msg, field);
      throw new ImageError("ErrImagePull", msg);
    }
    this.events.pod(pod, "Normal", "Pulled", `Successfully pulled image "${image}" in ${((Date.now() - t0) / 1000).toFixed(3)}s`, field);
  }

  private async startContainer(w: Worker, pod: Pod, o: Observed, c: Container, attempt: number, role: ContainerRole): Promise<boolean> {
    const m = w.mem.get(c.name) ?? {};
    w.mem.set(c.name, m);
    const field = `spec.${FIELD_OF_ROLE[role]}{${c.name}}`;
    if (m.backoffSeconds !== undefined && m.waiting && (m.waiting.reason === "ErrImagePull" || m.waiting.reason === "ImagePullBackOff") && Date.now() < (m.lastRestartAt ?? 0) + m.backoffSeconds * 1000) {
      m.waiting = { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` };
      clearTimeout(w.timer);
      w.timer = setTimeout(() => this.enqueue(w.uid), (m.lastRestartAt ?? 0) + m.backoffSeconds * 1000 - Date.now() + 50);
      return false;
    }
    const prev = o.containers.get(c.name)?.[0];
    if (prev?.state === "created") {
      await this.o.runtime.start(prev.id);
      return true;
    }
    try {
      if (!w.volumes || !o.sandbox) await this.refreshVolumes(w, pod);
      await this.ensureImage(pod, c, field);
      // An ephemeral container's target: it sees that container's processes (kubectl debug --target).
      const target = (c as EphemeralContainer).targetContainerName;
      const pidTarget = target ? this.containerId(w, target) : undefined;
      const spec = await this.containerSpec(pod, c, attempt, role, w.volumes!, pidTarget);
      const sandbox: SandboxInfo = { id: o.sandbox!.id, ip: o.sandbox!.ip ?? "", running: true };
      const id = await this.o.runtime.createContainer(sandbox, this.sandboxSpec(pod), spec);
      w.created.push(id);
      this.events.pod(pod, "Normal", "Created", `Created container ${c.name}`, field);
      await this.o.runtime.start(id);
      this.events.pod(pod, "Normal", "Started", `Started container ${c.name}`, field);
    } catch (e) {
      const reason = e instanceof ImageError ? e.reason : e instanceof ConfigError ? "CreateContainerConfigError" : "CreateContainerError";
      m.waiting = { reason, message: (e as Error).message };
      if (e instanceof ImageError) nextBackoff(m, Date.now(), 0);
      else if (!(e instanceof ConfigError)) this.events.pod(pod, "Warning", "Failed", `Error: ${(e as Error).message}`, field);
      else this.events.pod(pod, "Warning", "Failed", `Error: ${(e as Error).message}`, field);
      clearTimeout(w.timer);
      w.timer = setTimeout(() => this.enqueue(w.uid), e instanceof ImageError ? m.backoffSeconds! * 1000 + 50 : 3000);
      return false;
    }
    if (attempt > 0 && prev) {
      const ran = prev.startedAt && prev.finishedAt ? Date.parse(prev.finishedAt) - Date.parse(prev.startedAt) : 0;
      nextBackoff(m, Date.now(), ran);
    }
    m.waiting = undefined;
    m.ready = undefined;
    m.started = c.startupProbe ? false : true;
    // Keep the newest dead instance for `kubectl logs --previous`; older ones go.
    for (const old of (o.containers.get(c.name) ?? []).slice(1)) await this.o.runtime.remove(old.id);
    if (role === "app") this.startProbes(w, pod, c);
    if (c.lifecycle?.postStart) {
      await this.runHook(pod, c, c.lifecycle.postStart, "PostStart").catch((e) => {
        this.events.pod(pod, "Warning", "FailedPostStartHook", (e as Error).message, field);
      });
    }
    return true;
  }

  private containerId(w: Worker, name: string): string | undefined {
    const cur = this.observed.get(w.uid)?.containers.get(name)?.[0];
    return cur?.state === "running" ? cur.id : undefined;
  }

  private startProbes(w: Worker, pod: Pod, c: Container): void {
    this.resetProbes(w, c.name);
    const field = `spec.containers{${c.name}}`;
    const target = {
      get podIP() {
        return w.podIP ?? "127.0.0.1";
      },
      exec: (cmd: string[], timeoutMs: number) => {
        const id = this.containerId(w, c.name);
        if (!id) return Promise.reject(new ProbeSkip());
        return this.o.runtime.execSync(id, cmd, timeoutMs);
      },
    };
    const mem = () => w.mem.get(c.name) ?? (w.mem.set(c.name, {}), w.mem.get(c.name)!);
    const startLiveness = () => {
      if (!c.livenessProbe) return;
      w.probes.set(
        `${c.name}/liveness`,
        new ProbeWorker("liveness", c.livenessProbe, c, target, (ok) => {
          if (!ok) {
            mem().livenessFailed = true;
            this.enqueue(w.uid);
          }
        }, (msg) => this.events.pod(pod, "Warning", "Unhealthy", `Liveness probe failed: ${msg}`, field)),
      );
    };
    if (c.startupProbe) {
      w.probes.set(
        `${c.name}/startup`,
        new ProbeWorker("startup", c.startupProbe, c, target, (ok) => {
          if (ok) {
            mem().started = true;
            w.probes.get(`${c.name}/startup`)?.stop();
            startLiveness();
          } else mem().livenessFailed = true;
          this.enqueue(w.uid);
        }, (msg) => this.events.pod(pod, "Warning", "Unhealthy", `Startup probe failed: ${msg}`, field)),
      );
    } else startLiveness();
    if (c.readinessProbe) {
      w.probes.set(
        `${c.name}/readiness`,
        new ProbeWorker("readiness", c.readinessProbe, c, target, (ok) => {
          mem().ready = ok;
          this.enqueue(w.uid);
        }, (msg) => this.events.pod(pod, "Warning", "Unhealthy", `Readiness probe failed: ${msg}`, field)),
      );
    }
  }

  /** postStart / preStop: exec in the container, or an HTTP GET to the pod. */
  private async runHook(pod: Pod, c: Container, h: LifecycleHandler, what: string, timeoutMs = 30_000): Promise<void> {
    const uid = pod.metadata!.uid!;
    const w = this.workers.get(uid);
    if (h.exec) {
      const id = w && this.containerId(w, c.name);
      if (!id) return;
      const r = await this.o.runtime.execSync(id, h.exec.command ?? [], timeoutMs);
      if (r.exitCode !== 0) throw new Error(`${what} hook: command ${JSON.stringify(h.exec.command)} exited with ${r.exitCode}: ${r.output.trim()}`);
    } else if (h.httpGet) {
      const port = typeof h.httpGet.port === "number" ? h.httpGet.port : (c.ports?.find((p) => p.name === h.httpGet!.port)?.containerPort ?? Number(h.httpGet.port));
      const url = `http://${h.httpGet.host || w?.podIP || "127.0.0.1"}:${port}${h.httpGet.path ?? "/"}`;
      await new Promise<void>((resolve, reject) => {
        const req = http.get(url, { timeout: timeoutMs }, (res) => {
          res.resume();
          res.on("end", () => ((res.statusCode ?? 0) < 400 ? resolve() : reject(new Error(`${what} hook: HTTP ${res.statusCode} from ${url}`))));
        });
        req.on("error", reject);
        req.on("timeout", () => req.destroy(new Error(`${what} hook: ${url} timed out`)));
      });
    } else if (h.sleep) await new Promise((r) => setTimeout(r, (h.sleep!.seconds ?? 0) * 1000));
  }

  /** preStop, then SIGTERM with the remaining grace, then SIGKILL. */
  private async stopContainer(pod: Pod | undefined, id: string, c: Container | undefined, grace: number): Promise<void> {
    const t0 = Date.now();
    const pre = (c?.lifecycle as Lifecycle | undefined)?.preStop;
    if (pod && c && pre && grace > 0) {
      await Promise.race([this.runHook(pod, c, pre, "PreStop", grace * 1000).catch((e) => this.events.pod(pod, "Warning", "FailedPreStopHook", (e as Error).message, `spec.containers{${c.name}}`)), new Promise((r) => setTimeout(r, grace * 1000))]);
    }
    const left = Math.max(0, Math.ceil(grace - (Date.now() - t0) / 1000));
    await this.o.runtime.stop(id, left);
  }

  /** The pod is being deleted (or is gone): stop everything, confirm the deletion, clean up. */
  private async syncTerminating(w: Worker): Promise<boolean> {
    const pod = w.pod;
    const o = this.observed.get(w.uid) ?? emptyObserved();
    for (const p of w.probes.values()) p.stop();
    w.probes.clear();
    clearTimeout(w.timer);
    const grace = pod ? this.grace(pod) : 0;
    const running = [...o.containers.values()].flatMap((l) => l.filter((c) => c.state === "running"));
    await Promise.all(
      running.map((c) => {
        const name = c.labels[LABELS.containerName];
        const spec = pod?.spec?.containers.find((x) => x.name === name);
        if (pod) this.events.pod(pod, "Normal", "Killing", `Stopping container ${name}`, `spec.containers{${name}}`);
        return this.stopContainer(pod, c.id, spec, grace);
      }),
    );
    if (o.sandbox?.state === "running") await this.o.runtime.stop(o.sandbox.id, 0);
    if (pod && !w.deleting) {
      // Containers are stopped: confirm, as the kubelet does, with a zero-grace delete bound to this uid.
      w.deleting = true;
      await this.reportStatus(w, pod, true).catch(() => {});
      await this.o.client.delete(podPath(pod), { apiVersion: "v1", kind: "DeleteOptions", gracePeriodSeconds: 0, preconditions: { uid: w.uid } }).catch((e) => {
        if (!(e instanceof KubeError && (e.code === 404 || e.code === 409))) {
          w.deleting = false;
          throw e;
        }
      });
    }
    if (!pod) {
      for (const list of o.containers.values()) for (const c of list) await this.o.runtime.remove(c.id);
      if (o.sandbox) await this.o.runtime.remove(o.sandbox.id);
      await this.removeMemoryVolumes(w.uid);
      cleanupPodDir(this.o.dataDir, w.uid);
      this.workers.delete(w.uid);
      this.observed.delete(w.uid);
      this.refreshedAt.delete(w.uid);
    }
    return false;
  }

  private async removeMemoryVolumes(uid: string): Promise<void> {
    // Names are derived from the pod's volumes; without the spec, try the prefix the runtime reports.
    const w = this.workers.get(uid);
    for (const v of w?.pod?.spec?.volumes ?? []) if (v.emptyDir?.medium === "Memory") await this.o.runtime.removeVolume(memoryVolumeName(uid, v.name)).catch(() => {});
  }

  private async reportStatus(w: Worker, pod: Pod, terminating = false): Promise<void> {
    const o = this.observed.get(w.uid) ?? emptyObserved();
    const status = podStatus(pod, o, w.mem, { runtime: this.o.runtimeName, hostIP: this.o.hostIP, startTime: w.startTime ?? timeNow(), now: timeNow(), podIP: w.podIP }, w.terminal);
    if (terminating) for (const c of status.containerStatuses ?? []) c.ready = false;
    const body = JSON.stringify(status);
    if (body === w.lastStatus) return;
    // Only a change worth reporting: the same status with newer probe/transition times is not.
    await this.o.client.mergePatch(`${podPath(pod)}/status`, { status: { ...status, reason: null, message: null } });
    if (pod.status?.phase !== "Running" && status.phase === "Running" && pod.metadata?.creationTimestamp && !w.lastStatus?.includes('"phase":"Running"')) {
      this.podStartDuration.observe({}, (Date.now() - Date.parse(pod.metadata.creationTimestamp)) / 1000);
    }
    w.lastStatus = body;
  }
}
