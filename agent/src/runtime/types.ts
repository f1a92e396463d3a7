/**
 * The kubelet's view of a container runtime, shaped like Kubernetes' CRI:
 * a pod is a sandbox (one small container that owns the network and IPC
 * namespaces) plus app containers joined to it. The kubelet speaks only this
 * interface; `docker.ts` maps it onto the Docker Engine API (Docker or
 * Podman's compatible socket). Everything the agent creates carries labels
 * (see `LABELS`) so it can be found again after a restart, and so several
 * agents sharing one runtime never touch each other's containers.
 */

/** Labels on every sandbox and container the agent creates. */
export const LABELS = {
  node: "io.edgeplane.node",
  podUid: "io.kubernetes.pod.uid",
  podName: "io.kubernetes.pod.name",
  podNamespace: "io.kubernetes.pod.namespace",
  containerName: "io.kubernetes.container.name",
  /** "sandbox" | "init" | "app" */
  role: "io.edgeplane.role",
  /** How many times this container had been restarted when this instance was created. */
  attempt: "io.edgeplane.attempt",
  /** JSON hash of the container spec it was created from (restart on change). */
  specHash: "io.edgeplane.spec-hash",
  /** terminationGracePeriodSeconds to use when stopping it after an adoption. */
  grace: "io.edgeplane.grace",
} as const;

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  protocol: "TCP" | "UDP";
  hostIP?: string;
}

export interface SandboxSpec {
  /** The node this agent registered as. */
  node: string;
  namespace: string;
  name: string;
  uid: string;
  /** The pod's hostname (spec.hostname or the pod name); also its /etc/hostname. */
  hostname: string;
  hostNetwork: boolean;
  /** The host's process and IPC namespaces (spec.hostPID, spec.hostIPC: `kubectl debug node/...`). */
  hostPID?: boolean;
  hostIPC?: boolean;
  /** Containers see each other's processes (spec.shareProcessNamespace). */
  shareProcessNamespace?: boolean;
  /** hostPort mappings of all containers (published on the sandbox). */
  ports: PortMapping[];
  /** Extra /etc/hosts entries ("name:ip"). */
  extraHosts?: string[];
  dnsServers?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  labels?: Record<string, string>;
}

export interface SandboxInfo {
  id: string;
  /** The pod's IP on the runtime's network ("" with hostNetwork: use the host's). */
  ip: string;
  running: boolean;
}

export interface Mount {
  /** Absolute host path (bind mount) ... */
  hostPath?: string;
  /** ... or a runtime volume name (emptyDir medium Memory: a tmpfs volume). */
  volume?: string;
  containerPath: string;
  readOnly: boolean;
  /** Sub path inside the source, if any (already joined into hostPath by the kubelet when possible). */
}

export type ContainerRole = "init" | "app" | "ephemeral";

export interface ContainerSpec {
  /** "init", "app", or "ephemeral" (added to a running pod by `kubectl debug`). */
  role: ContainerRole;
  name: string;
  image: string;
  /** Resolved entrypoint/cmd: undefined keeps the image's. */
  command?: string[];
  args?: string[];
  env: Record<string, string>;
  workingDir?: string;
  mounts: Mount[];
  tty: boolean;
  stdin: boolean;
  stdinOnce: boolean;
  /** Limits for the runtime. */
  resources: { cpuNanos?: number; memoryBytes?: number; cpuShares?: number };
  securityContext: { runAsUser?: number; runAsGroup?: number; readOnlyRootFilesystem?: boolean; privileged?: boolean; capAdd?: string[]; capDrop?: string[] };
  /** Restart attempt number (kubelet's restartCount at creation). */
  attempt: number;
  /** Hash of the pod spec's container, stored as a label. */
  specHash: string;
  gracePeriodSeconds: number;
  labels?: Record<string, string>;
  /** A container whose process namespace this one joins (an ephemeral container's targetContainerName). */
  pidTarget?: string;
}

export type ContainerState = "created" | "running" | "exited" | "unknown";

/** What the runtime knows of a container: enough to rebuild kubelet state after a restart. */
export interface ContainerInfo {
  id: string;
  labels: Record<string, string>;
  /** Image reference as created, and the resolved image ID (sha256:...). */
  image: string;
  imageId: string;
  state: ContainerState;
  exitCode?: number;
  /** "OOMKilled", "Error", "Completed", ... as Kubernetes would show it. */
  reason?: string;
  /** RFC 3339, or undefined when never started / not finished. */
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Only for sandboxes: their IP. */
  ip?: string;
}

export interface LogOptions {
  follow: boolean;
  /** Lines from the end; undefined = all. */
  tail?: number;
  /** Unix seconds: only lines at or after. */
  since?: number;
  timestamps: boolean;
}

export interface ExecOptions {
  cmd: string[];
  tty: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  env?: string[];
}

/** Attach to a container's main process; the container's own Tty setting decides framing. */
export interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** A running exec (or attach): write stdin, read stdout/stderr, wait for the exit code. */
export interface ExecSession {
  /** Write to the process's stdin (no-op when stdin is false). */
  write(data: Uint8Array): void;
  /** Close stdin (EOF). */
  closeStdin(): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Called with output as it arrives; stream is 1 for stdout (and tty), 2 for stderr. */
  onOutput(fn: (stream: 1 | 2, data: Uint8Array) => void): void;
  /** Resolves with the exit code once the process ended and its output was delivered. */
  done: Promise<number>;
  /** Abort (the client went away). */
  kill(): void;
}

export interface ContainerStats {
  /** Cumulative cpu time, nanoseconds. */
  cpuNanos: number;
  /** Working set bytes (usage minus inactive file cache), as the kubelet reports. */
  memoryBytes: number;
  /** Sample time, ms since epoch. */
  timestamp: number;
}

export interface ImageAuth {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress?: string;
}

export interface Runtime {
  /** Name and version for nodeInfo.containerRuntimeVersion ("docker://28.2.2", "podman://4.3.1"). */
  version(): Promise<{ name: string; version: string; apiVersion: string }>;
  /** Is the image present locally? Returns its ID, or undefined. */
  imagePresent(image: string): Promise<string | undefined>;
  /** Pull an image (trying each credential in turn); resolves with its ID. Rejects with a message kubectl users would see. */
  pullImage(image: string, auths: ImageAuth[]): Promise<string>;

  createSandbox(spec: SandboxSpec): Promise<SandboxInfo>;
  createContainer(sandbox: SandboxInfo, pod: SandboxSpec, spec: ContainerSpec): Promise<string>;
  start(id: string): Promise<void>;
  /** SIGTERM, wait up to timeoutSeconds, then SIGKILL. Fine on an already-stopped container. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  /** Remove (force). Fine if already gone. */
  remove(id: string): Promise<void>;

  /** All containers (sandboxes too) carrying LABELS.node = node. */
  list(node: string): Promise<ContainerInfo[]>;
  inspect(id: string): Promise<ContainerInfo | undefined>;

  /** Log stream (stdout and stderr interleaved, as `kubectl logs` shows); ends when the container's log does (or at once without follow). */
  logs(id: string, opts: LogOptions, signal: AbortSignal): AsyncIterable<Uint8Array>;
  exec(id: string, opts: ExecOptions): Promise<ExecSession>;
  /** kubectl attach / run -i: the main process's stdio; done resolves with its exit code once the stream ends. */
  attach(id: string, opts: AttachOptions): Promise<ExecSession>;
  /** Run a command to completion (probes, hooks); rejects on timeout. */
  execSync(id: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }>;
  stats(id: string): Promise<ContainerStats | undefined>;

  /** Named volumes (emptyDir medium Memory as tmpfs). */
  createVolume(name: string, opts: { tmpfs: boolean; sizeBytes?: number; labels: Record<string, string> }): Promise<void>;
  removeVolume(name: string): Promise<void>;
}
