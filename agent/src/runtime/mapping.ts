/**
 * Pure translations between the CRI-shaped types the kubelet speaks and the
 * Docker Engine API's JSON, kept apart from I/O so they can be tested without
 * an engine: create bodies for sandboxes and containers (Kubernetes'
 * command/args rules, the shared namespaces), names, image references, and
 * the inspect and stats answers read back.
 */
import { LABELS, type ContainerInfo, type ContainerSpec, type ContainerState, type ContainerStats, type ImageAuth, type SandboxInfo, type SandboxSpec } from "./types.js";
import { PAUSE_IMAGE, PAUSE_PATH } from "./pause.js";

/** The parts of `GET /containers/{id}/json` we read. */
export interface DockerInspect {
  Id: string;
  Created: string;
  Image: string;
  Name?: string;
  State: { Status: string; Running?: boolean; ExitCode?: number; OOMKilled?: boolean; StartedAt?: string; FinishedAt?: string; Error?: string };
  Config: { Image: string; Labels?: Record<string, string> | null; Tty?: boolean; OpenStdin?: boolean };
  NetworkSettings?: { IPAddress?: string; Networks?: Record<string, { IPAddress?: string }> | null } | null;
  HostConfig?: { NetworkMode?: string };
}

/** The parts of `GET /containers/json` we read. */
export interface DockerListEntry {
  Id: string;
  State: string;
  Labels?: Record<string, string> | null;
}

/** The parts of `GET /containers/{id}/stats` we read (cgroup v1 and v2 field names). */
export interface DockerStats {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
}

/** Kubernetes semantics: command replaces ENTRYPOINT, args replace CMD; args alone keep the image's ENTRYPOINT. */
export function entrypointAndCmd(command?: string[], args?: string[]): { Entrypoint?: string[]; Cmd?: string[] } {
  const cmd = command?.length ? command : undefined;
  const arg = args?.length ? args : undefined;
  if (cmd) return { Entrypoint: cmd, Cmd: arg ?? [] };
  if (arg) return { Cmd: arg };
  return {};
}

/** Split an image reference into the `fromImage` and `tag` of `POST /images/create` (a digest goes in `tag`). */
export function splitImageRef(image: string): { fromImage: string; tag: string } {
  const at = image.indexOf("@");
  if (at >= 0) return { fromImage: image.slice(0, at), tag: image.slice(at + 1) };
  const slash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  if (colon > slash) return { fromImage: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { fromImage: image, tag: "latest" };
}

/** X-Registry-Auth: base64url (with padding, which both Docker's and Podman's decoders accept) of the auth JSON. */
export function registryAuthHeader(auth: ImageAuth): string {
  const json: Record<string, string> = {};
  if (auth.auth && !auth.username) {
    const plain = Buffer.from(auth.auth, "base64").toString("utf8");
    const i = plain.indexOf(":");
    if (i >= 0) {
      json.username = plain.slice(0, i);
      json.password = plain.slice(i + 1);
    }
  }
  if (auth.username !== undefined) json.username = auth.username;
  if (auth.password !== undefined) json.password = auth.password;
  if (auth.auth !== undefined) json.auth = auth.auth;
  if (auth.serveraddress !== undefined) json.serveraddress = auth.serveraddress;
  return Buffer.from(JSON.stringify(json)).toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** Engine names allow [a-zA-Z0-9][a-zA-Z0-9_.-]*; Kubernetes names already fit, but be safe. */
function nameSafe(s: string): string {
  return s.replace(/[^a-zA-Z0-9_.-]/g, "-");
}

/** `k8s_POD_<pod>_<ns>_<uid8>_0`: readable in `docker ps`, unique per pod. */
export function sandboxName(pod: SandboxSpec): string {
  return nameSafe(`k8s_POD_${pod.name}_${pod.namespace}_${pod.uid.slice(0, 8)}_0`);
}

/** `k8s_<container>_<pod>_<ns>_<uid8>_<attempt>`. */
export function containerName(pod: SandboxSpec, spec: ContainerSpec): string {
  return nameSafe(`k8s_${spec.name}_${pod.name}_${pod.namespace}_${pod.uid.slice(0, 8)}_${spec.attempt}`);
}

function podLabels(pod: SandboxSpec): Record<string, string> {
  return {
    [LABELS.node]: pod.node,
    [LABELS.podUid]: pod.uid,
    [LABELS.podName]: pod.name,
    [LABELS.podNamespace]: pod.namespace,
  };
}

/** The pause container: owns the network (or uses the host's) and a shareable IPC namespace. */
export function sandboxCreateBody(pod: SandboxSpec, pauseImage = PAUSE_IMAGE): Record<string, unknown> {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  if (!pod.hostNetwork) {
    for (const p of pod.ports) {
      const key = `${p.containerPort}/${p.protocol.toLowerCase()}`;
      exposed[key] = {};
      (bindings[key] ??= []).push({ HostIp: p.hostIP ?? "", HostPort: String(p.hostPort) });
    }
  }
  return {
    Image: pauseImage,
    Entrypoint: [PAUSE_PATH],
    Cmd: [],
    // Docker refuses a hostname together with the host's network.
    ...(pod.hostNetwork ? {} : { Hostname: pod.hostname }),
    Labels: { ...pod.labels, ...podLabels(pod), [LABELS.role]: "sandbox" },
    // PID 1 ignores SIGTERM (no handler), so stop means kill.
    StopSignal: "SIGKILL",
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: pod.hostNetwork ? "host" : "bridge",
      IpcMode: pod.hostIPC ? "host" : "shareable",
      PortBindings: bindings,
      ...(pod.extraHosts?.length ? { ExtraHosts: pod.extraHosts } : {}),
      ...(pod.dnsServers?.length ? { Dns: pod.dnsServers } : {}),
      ...(pod.dnsSearch?.length ? { DnsSearch: pod.dnsSearch } : {}),
      ...(pod.dnsOptions?.length ? { DnsOptions: pod.dnsOptions } : {}),
    },
  };
}

/** What differs between engines in the bodies we send. */
export interface EngineFlavor {
  podman: boolean;
}

/**
 * An app or init container joined to the sandbox's namespaces. The pod's
 * hostname: Docker copies the network container's hostname into a
 * `container:` joiner (and refuses UTSMode "container:"); Podman does not, but
 * can join the sandbox's UTS namespace.
 */
export function containerCreateBody(sandbox: SandboxInfo, pod: SandboxSpec, spec: ContainerSpec, engine: EngineFlavor = { podman: false }): Record<string, unknown> {
  const sc = spec.securityContext;
  const binds: string[] = [];
  const mounts: Record<string, unknown>[] = [];
  for (const m of spec.mounts) {
    const source = m.hostPath ?? m.volume;
    if (!source) throw new Error(`mount at ${m.containerPath} of container ${spec.name} has neither hostPath nor volume`);
    // Binds (like dockershim) unless a colon would make the short syntax ambiguous.
    if (!source.includes(":") && !m.containerPath.includes(":")) binds.push(`${source}:${m.containerPath}${m.readOnly ? ":ro" : ""}`);
    else mounts.push({ Type: m.hostPath ? "bind" : "volume", Source: source, Target: m.containerPath, ReadOnly: m.readOnly });
  }
  const user = sc.runAsUser !== undefined ? (sc.runAsGroup !== undefined ? `${sc.runAsUser}:${sc.runAsGroup}` : String(sc.runAsUser)) : undefined;
  const joined = `container:${sandbox.id}`;
  return {
    Image: spec.image,
    ...entrypointAndCmd(spec.command, spec.args),
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
    ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
    ...(user !== undefined ? { User: user } : {}),
    Tty: spec.tty,
    OpenStdin: spec.stdin,
    StdinOnce: spec.stdinOnce,
    AttachStdin: spec.stdin,
    AttachStdout: true,
    AttachStderr: true,
    StopTimeout: spec.gracePeriodSeconds,
    Labels: {
      ...spec.labels,
      ...podLabels(pod),
      [LABELS.containerName]: spec.name,
      [LABELS.role]: spec.role,
      [LABELS.attempt]: String(spec.attempt),
      [LABELS.specHash]: spec.specHash,
      [LABELS.grace]: String(spec.gracePeriodSeconds),
    },
    HostConfig: {
      NetworkMode: pod.hostNetwork ? "host" : joined,
      IpcMode: pod.hostIPC ? "host" : joined,
      // An ephemeral container's target first, then the host's, then the sandbox's (shared by all the pod's containers).
      ...(spec.pidTarget ? { PidMode: `container:${spec.pidTarget}` } : pod.hostPID ? { PidMode: "host" } : pod.shareProcessNamespace ? { PidMode: joined } : {}),
      ...(engine.podman && !pod.hostNetwork ? { UTSMode: joined } : {}),
      ...(binds.length ? { Binds: binds } : {}),
      ...(mounts.length ? { Mounts: mounts } : {}),
      ReadonlyRootfs: sc.readOnlyRootFilesystem ?? false,
      Privileged: sc.privileged ?? false,
      ...(sc.capAdd?.length ? { CapAdd: sc.capAdd } : {}),
      ...(sc.capDrop?.length ? { CapDrop: sc.capDrop } : {}),
      ...(spec.resources.cpuNanos ? { NanoCpus: spec.resources.cpuNanos } : {}),
      ...(spec.resources.memoryBytes ? { Memory: spec.resources.memoryBytes } : {}),
      ...(spec.resources.cpuShares ? { CpuShares: spec.resources.cpuShares } : {}),
    },
  };
}

/**
 * DriverOpts of a tmpfs volume. Podman before 4.8 takes `o=size=` for an XFS
 * project quota and rejects it on tmpfs (containers/podman#20449), so there
 * the limit is given as tmpfs' `nr_blocks` (pages) instead.
 */
export function tmpfsVolumeOpts(sizeBytes: number | undefined, sizeAsBlocks: boolean, pageSize = 4096): Record<string, string> {
  const opts: Record<string, string> = { type: "tmpfs", device: "tmpfs" };
  if (sizeBytes) opts.o = sizeAsBlocks ? `nr_blocks=${Math.ceil(sizeBytes / pageSize)}` : `size=${sizeBytes}`;
  return opts;
}

/** Engine timestamps as RFC 3339 (UTC); Go's zero time ("0001-01-01T00:00:00Z") means never. */
export function engineTime(s: string | undefined): string | undefined {
  if (!s || s.startsWith("0001-01-01")) return undefined;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function mapState(status: string | undefined): ContainerState {
  switch (status) {
    case "running":
    case "paused":
    case "restarting":
    case "stopping":
      return "running";
    case "created":
    case "configured":
    case "initialized":
      return "created";
    case "exited":
    case "stopped":
    case "dead":
    case "removing":
      return "exited";
    default:
      return "unknown";
  }
}

function normalizeImageId(id: string): string {
  return /^[0-9a-f]{64}$/.test(id) ? `sha256:${id}` : id;
}

/** The sandbox's IP: the legacy field, else the first network's. */
export function ipOf(j: Pick<DockerInspect, "NetworkSettings">): string {
  const ns = j.NetworkSettings;
  if (ns?.IPAddress) return ns.IPAddress;
  for (const n of Object.values(ns?.Networks ?? {})) if (n?.IPAddress) return n.IPAddress;
  return "";
}

export function infoFromInspect(j: DockerInspect): ContainerInfo {
  const labels = j.Config.Labels ?? {};
  const state = mapState(j.State.Status);
  const info: ContainerInfo = {
    id: j.Id,
    labels,
    image: j.Config.Image,
    imageId: normalizeImageId(j.Image),
    state,
    createdAt: engineTime(j.Created) ?? new Date(0).toISOString(),
    startedAt: engineTime(j.State.StartedAt),
  };
  if (state === "exited") {
    info.exitCode = j.State.ExitCode ?? 0;
    info.reason = j.State.OOMKilled ? "OOMKilled" : info.exitCode === 0 ? "Completed" : "Error";
    info.finishedAt = engineTime(j.State.FinishedAt);
    // Podman records StartedAt after runc returns; a process that exits at once can "finish" before it "started".
    if (info.finishedAt && info.startedAt && info.finishedAt < info.startedAt) info.finishedAt = info.startedAt;
  }
  if (labels[LABELS.role] === "sandbox") info.ip = ipOf(j);
  return info;
}

/** Cumulative CPU and the working set (usage minus inactive file cache, v2 "inactive_file" or v1 "total_inactive_file"). */
export function statsFrom(j: DockerStats, now = Date.now()): ContainerStats | undefined {
  const cpu = j.cpu_stats?.cpu_usage?.total_usage;
  const usage = j.memory_stats?.usage;
  if (cpu === undefined && usage === undefined) return undefined;
  const st = j.memory_stats?.stats ?? {};
  const inactive = st.total_inactive_file ?? st.inactive_file ?? 0;
  const read = j.read ? Date.parse(j.read) : NaN;
  return {
    cpuNanos: cpu ?? 0,
    memoryBytes: Math.max(0, (usage ?? 0) - inactive),
    timestamp: Number.isFinite(read) && read > 0 ? read : now,
  };
}
