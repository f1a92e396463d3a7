/**
 * The kubelet's container runtime over the Docker Engine API, so one agent
 * runs on any host with Docker or Podman's Docker-compatible socket. A pod is
 * a pause container (built and imported here, see pause.ts) holding the
 * network and IPC namespaces, and app containers joined to it — the layout
 * dockershim used. Everything is labelled with the node name, so agents that
 * share one engine only ever see their own containers.
 */
import type net from "node:net";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { Demuxer } from "./demux.js";
import { Engine, EngineError, buildPath, parseEngineAddress, type EngineAddress } from "./engine.js";
import {
  containerCreateBody,
  containerName,
  infoFromInspect,
  ipOf,
  registryAuthHeader,
  sandboxCreateBody,
  sandboxName,
  splitImageRef,
  statsFrom,
  tmpfsVolumeOpts,
  type DockerInspect,
  type EngineFlavor,
  type DockerListEntry,
  type DockerStats,
} from "./mapping.js";
import { PAUSE_IMAGE, PAUSE_PATH, pauseRootfsTar } from "./pause.js";
import {
  LABELS,
  type AttachOptions,
  type ContainerInfo,
  type ContainerSpec,
  type ContainerStats,
  type ExecOptions,
  type ExecSession,
  type ImageAuth,
  type LogOptions,
  type Runtime,
  type SandboxInfo,
  type SandboxSpec,
} from "./types.js";

/** execSync ran past its deadline (a probe timeout, not a runtime failure). */
export class ExecTimeoutError extends Error {
  constructor(readonly timeoutMs: number, cmd: string[]) {
    super(`command ${JSON.stringify(cmd)} timed out after ${timeoutMs} ms`);
    this.name = "ExecTimeoutError";
  }
}

export interface DockerRuntimeOptions {
  /** Deadline of ordinary (non-streaming) engine calls; default 60 s. */
  callTimeoutMs?: number;
  /** Deadline of an image pull; default 15 min. */
  pullTimeoutMs?: number;
  /** Name to import the pause image under (default PAUSE_IMAGE; tests use their own). Must carry a tag. */
  pauseImage?: string;
}

/** execSync keeps at most this much output (Kubernetes keeps 10 KiB of probe output). */
const EXEC_OUTPUT_LIMIT = 64 * 1024;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The kernel's page size (AT_PAGESZ from the aux vector; arm64 kernels may use 16 or 64 KiB). */
function pageSize(): number {
  try {
    const auxv = readFileSync("/proc/self/auxv");
    for (let i = 0; i + 16 <= auxv.length; i += 16) if (auxv.readBigUInt64LE(i) === 6n) return Number(auxv.readBigUInt64LE(i + 8));
  } catch {
    // not Linux
  }
  return 4096;
}

interface Flavor extends EngineFlavor {
  /** Podman < 4.8 rejects o=size= on tmpfs volumes. */
  tmpfsSizeAsBlocks: boolean;
}

/** Image references go into paths unescaped (the engine routes "{name:.*}"), so only allow their alphabet. */
function imagePath(image: string): string {
  if (!/^[A-Za-z0-9._/:@+-]+$/.test(image)) throw new Error(`invalid image reference "${image}"`);
  return image;
}

function idPath(id: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new Error(`invalid container id "${id}"`);
  return id;
}

const isStatus = (e: unknown, ...codes: number[]) => e instanceof EngineError && codes.includes(e.status);

/** Read a JSON-lines progress stream (pull, import); an error line rejects with the engine's message. */
async function readProgress(res: IncomingMessage): Promise<{ lastId?: string; lastStatus?: string }> {
  const out: { lastId?: string; lastStatus?: string } = {};
  let rest = "";
  const handle = (line: string) => {
    if (!line.trim()) return;
    let j: { error?: string; errorDetail?: { message?: string }; status?: string; id?: string };
    try {
      j = JSON.parse(line);
    } catch {
      return;
    }
    if (j.error || j.errorDetail) throw new Error(j.errorDetail?.message || j.error || "unknown error");
    if (j.id) out.lastId = j.id;
    if (j.status) out.lastStatus = j.status;
  };
  try {
    for await (const chunk of res) {
      rest += (chunk as Buffer).toString("utf8");
      let i: number;
      while ((i = rest.indexOf("\n")) >= 0) {
        handle(rest.slice(0, i));
        rest = rest.slice(i + 1);
      }
    }
    handle(rest);
  } finally {
    res.destroy();
  }
  return out;
}

interface SessionHooks {
  tty: boolean;
  stdin: boolean;
  resize(cols: number, rows: number): Promise<void>;
  /** The exit code once the stream has ended; `killed` when the client gave up first. */
  exitCode(killed: boolean): Promise<number>;
}

/** An ExecSession over a hijacked connection: demuxed output, stdin by half-close. */
function session(socket: net.Socket, head: Buffer, hooks: SessionHooks): ExecSession {
  const handlers: ((stream: 1 | 2, data: Uint8Array) => void)[] = [];
  // Output that arrives before anyone listens is kept, not lost.
  const backlog: [1 | 2, Uint8Array][] = [];
  const deliver = (stream: 1 | 2, data: Uint8Array) => {
    if (!handlers.length) backlog.push([stream, data]);
    else for (const h of handlers) h(stream, data);
  };
  const demux = hooks.tty ? undefined : new Demuxer(deliver);
  const feed = (c: Buffer) => (demux ? demux.push(c) : deliver(1, c));
  let stdinOpen = hooks.stdin;
  let killed = false;
  const closed = new Promise<void>((resolve) => {
    socket.on("end", () => {
      stdinOpen = false;
      if (!socket.writableEnded) socket.end();
    });
    socket.on("close", () => resolve());
    socket.on("error", () => socket.destroy());
  });
  socket.on("data", feed);
  if (head.length) feed(head);
  socket.resume();
  const done = closed.then(() => hooks.exitCode(killed));
  // Nobody may await done after kill(); keep a rejection from crashing the process.
  done.catch(() => {});
  return {
    write(data) {
      if (stdinOpen && !socket.destroyed) socket.write(data);
    },
    closeStdin() {
      if (!stdinOpen) return;
      stdinOpen = false;
      if (!socket.destroyed) socket.end();
    },
    resize: (cols, rows) => hooks.resize(cols, rows),
    onOutput(fn) {
      handlers.push(fn);
      if (handlers.length === 1) for (const [s, d] of backlog.splice(0)) fn(s, d);
    },
    done,
    kill() {
      killed = true;
      socket.destroy();
    },
  };
}

export class DockerRuntime implements Runtime {
  readonly engine: Engine;
  private readonly callTimeoutMs: number;
  private readonly pullTimeoutMs: number;
  readonly pauseImage: string;
  private pauseReady?: Promise<void>;
  private flavorReady?: Promise<Flavor>;
  /** Inspect results by id, reused by list() while the container's state is unchanged. */
  private readonly infoCache = new Map<string, { state: string; info: ContainerInfo }>();

  /** `address`: a socket path, a DOCKER_HOST value (unix:///path, tcp://host:port), or a parsed address. */
  constructor(address: string | EngineAddress, opts: DockerRuntimeOptions = {}) {
    this.engine = new Engine(typeof address === "string" ? parseEngineAddress(address) : address);
    this.callTimeoutMs = opts.callTimeoutMs ?? 60_000;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 15 * 60_000;
    this.pauseImage = opts.pauseImage ?? PAUSE_IMAGE;
    if (!/:[\w.-]+$/.test(this.pauseImage.slice(this.pauseImage.lastIndexOf("/")))) throw new Error(`pause image "${this.pauseImage}" needs a tag`);
  }

  /** Drop idle keep-alive connections (lets a test process exit). */
  close(): void {
    this.engine.close();
  }

  private call<T>(method: string, path: string, opts: Parameters<Engine["json"]>[2] = {}): Promise<T> {
    return this.engine.json<T>(method, path, { timeoutMs: this.callTimeoutMs, ...opts });
  }

  /** A call whose answer body does not matter; `ok` statuses (e.g. 404 on delete) are not errors. */
  private async send(method: string, path: string, opts: Parameters<Engine["json"]>[2] = {}, ok: number[] = []): Promise<void> {
    try {
      await this.call<unknown>(method, path, opts);
    } catch (e) {
      if (!isStatus(e, ...ok)) throw e;
    }
  }

  async version(): Promise<{ name: string; version: string; apiVersion: string }> {
    const v = await this.call<{ Version: string; ApiVersion: string; Components?: { Name: string; Version: string }[] }>("GET", "/version");
    const podman = v.Components?.find((c) => /podman/i.test(c.Name));
    return podman ? { name: "podman", version: podman.Version, apiVersion: v.ApiVersion } : { name: "docker", version: v.Version, apiVersion: v.ApiVersion };
  }

  /** Which engine this is (asked once; retried after a failure). */
  private flavor(): Promise<Flavor> {
    this.flavorReady ??= this.version().then(
      (v) => {
        const [major, minor] = v.version.split(".").map(Number);
        const podman = v.name === "podman";
        return { podman, tmpfsSizeAsBlocks: podman && (major < 4 || (major === 4 && minor < 8)) };
      },
      (e: unknown) => {
        this.flavorReady = undefined;
        throw e;
      },
    );
    return this.flavorReady;
  }

  async imagePresent(image: string): Promise<string | undefined> {
    const j = await this.engine.jsonOrMissing<{ Id: string }>("GET", `/images/${imagePath(image)}/json`, { timeoutMs: this.callTimeoutMs });
    return j?.Id;
  }

  async pullImage(image: string, auths: ImageAuth[]): Promise<string> {
    const { fromImage, tag } = splitImageRef(imagePath(image));
    const attempts: (ImageAuth | undefined)[] = auths.length ? auths : [undefined];
    const errors: string[] = [];
    for (const auth of attempts) {
      try {
        const res = await this.engine.request("POST", "/images/create", {
          query: { fromImage, tag },
          headers: auth ? { "X-Registry-Auth": registryAuthHeader(auth) } : {},
          timeoutMs: this.pullTimeoutMs,
        });
        await readProgress(res);
        const id = await this.imagePresent(image);
        if (id) return id;
        errors.push("the engine reported success but does not have the image");
      } catch (e) {
        const msg = e instanceof EngineError ? e.engineMessage : (e as Error).message;
        if (!errors.includes(msg)) errors.push(msg);
      }
    }
    throw new Error(`failed to pull image "${image}": ${errors.join("; ")}`);
  }

  /** Import the pause image unless present; once per process (retried after a failure). */
  ensurePauseImage(): Promise<void> {
    const image = this.pauseImage;
    this.pauseReady ??= (async () => {
      if (await this.imagePresent(image)) return;
      // The tag goes in `repo` too: Podman 4.3's compat import ignores `tag` (it would tag "latest").
      const res = await this.engine.request("POST", "/images/create", {
        query: { fromSrc: "-", repo: image, changes: `ENTRYPOINT ["${PAUSE_PATH}"]` },
        body: pauseRootfsTar(),
        headers: { "Content-Type": "application/x-tar" },
        timeoutMs: this.callTimeoutMs,
      });
      const p = await readProgress(res);
      if (await this.imagePresent(image)) return;
      // An engine that did not take the tag from `repo`: tag what it imported.
      const imported = [p.lastId, p.lastStatus].find((s) => s && /^sha256:[0-9a-f]{64}$/.test(s));
      if (imported) {
        const colon = image.lastIndexOf(":");
        await this.send("POST", `/images/${imported}/tag`, { query: { repo: image.slice(0, colon), tag: image.slice(colon + 1) } });
      }
      if (!(await this.imagePresent(image))) throw new Error(`imported the pause image but the engine does not list ${image}`);
    })().catch((e: unknown) => {
      this.pauseReady = undefined;
      throw new Error(`could not import the pause image ${image}: ${(e as Error).message}`);
    });
    return this.pauseReady;
  }

  /** Create under a readable name; if a leftover holds it, add a random suffix rather than fail. */
  private async createNamed(name: string, body: Record<string, unknown>): Promise<string> {
    for (let i = 0; ; i++) {
      try {
        const r = await this.call<{ Id: string }>("POST", "/containers/create", { query: { name: i ? `${name}_${randomBytes(3).toString("hex")}` : name }, body });
        return r.Id;
      } catch (e) {
        const conflict = e instanceof EngineError && (e.status === 409 || /already in use|already exists/i.test(e.engineMessage));
        if (!conflict || i >= 2) throw e;
      }
    }
  }

  private async inspectRaw(id: string): Promise<DockerInspect | undefined> {
    return this.engine.jsonOrMissing<DockerInspect>("GET", `/containers/${idPath(id)}/json`, { timeoutMs: this.callTimeoutMs });
  }

  private async mustInspect(id: string): Promise<DockerInspect> {
    const j = await this.inspectRaw(id);
    if (!j) throw new EngineError(404, `No such container: ${id}`, "GET", `/containers/${id}/json`);
    return j;
  }

  async createSandbox(spec: SandboxSpec): Promise<SandboxInfo> {
    await this.ensurePauseImage();
    const id = await this.createNamed(sandboxName(spec), sandboxCreateBody(spec, this.pauseImage));
    try {
      await this.start(id);
      const j = await this.mustInspect(id);
      return { id, ip: spec.hostNetwork ? "" : ipOf(j), running: j.State.Status === "running" };
    } catch (e) {
      await this.remove(id).catch(() => {});
      throw e;
    }
  }

  async createContainer(sandbox: SandboxInfo, pod: SandboxSpec, spec: ContainerSpec): Promise<string> {
    return this.createNamed(containerName(pod, spec), containerCreateBody(sandbox, pod, spec, await this.flavor()));
  }

  async start(id: string): Promise<void> {
    await this.send("POST", `/containers/${idPath(id)}/start`, {}, [304]);
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    const t = Math.max(0, Math.floor(timeoutSeconds));
    await this.send("POST", `/containers/${idPath(id)}/stop`, { query: { t }, timeoutMs: (t + 30) * 1000 }, [304, 404]);
  }

  async remove(id: string): Promise<void> {
    this.infoCache.delete(id);
    // Podman's forced delete first stops with the container's own timeout; kill so removal is immediate, as with Docker.
    await this.call("POST", `/containers/${idPath(id)}/kill`, { query: { signal: "SIGKILL" } }).catch(() => {});
    for (let i = 0; ; i++) {
      try {
        await this.call("DELETE", `/containers/${idPath(id)}`, { query: { force: true, v: true } });
        return;
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        // Gone already, or another caller is removing it.
        if (e.status === 404 || /no such container|removal .*in progress|already being removed/i.test(e.engineMessage)) return;
        // Podman refuses to remove a sandbox while containers joined to its namespaces exist; they belong to the same pod.
        const dependents = /dependent containers/i.test(e.engineMessage) ? (e.engineMessage.match(/\b[0-9a-f]{64}\b/g) ?? []).filter((d) => !id.startsWith(d) && !d.startsWith(id)) : [];
        if (!dependents.length || i > 0) throw e;
        for (const d of dependents) await this.remove(d);
      }
    }
  }

  async list(node: string): Promise<ContainerInfo[]> {
    const filters = JSON.stringify({ label: [`${LABELS.node}=${node}`] });
    const entries = await this.call<DockerListEntry[]>("GET", "/containers/json", { query: { all: true, filters } });
    const seen = new Set(entries.map((e) => e.Id));
    for (const [id, c] of this.infoCache) if (c.info.labels[LABELS.node] === node && !seen.has(id)) this.infoCache.delete(id);
    const out: ContainerInfo[] = [];
    // Inspect only what changed since the last look, a few at a time.
    const queue = [...entries];
    const worker = async () => {
      for (let e = queue.shift(); e; e = queue.shift()) {
        const cached = this.infoCache.get(e.Id);
        if (cached && cached.state === e.State) {
          out.push(cached.info);
          continue;
        }
        const info = await this.inspect(e.Id, e.State);
        if (info) out.push(info);
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, entries.length) }, worker));
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  async inspect(id: string, listState?: string): Promise<ContainerInfo | undefined> {
    const j = await this.inspectRaw(id);
    if (!j) {
      this.infoCache.delete(id);
      return undefined;
    }
    const info = infoFromInspect(j);
    if (listState !== undefined) this.infoCache.set(j.Id, { state: listState, info });
    return info;
  }

  async *logs(id: string, opts: LogOptions, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (signal.aborted) return;
    const j = await this.mustInspect(id);
    let res: IncomingMessage;
    try {
      res = await this.engine.request("GET", `/containers/${idPath(id)}/logs`, {
        query: { stdout: true, stderr: true, follow: opts.follow, tail: opts.tail ?? "all", since: opts.since, timestamps: opts.timestamps },
        signal,
      });
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    const onAbort = () => res.destroy();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      if (j.Config.Tty) {
        for await (const chunk of res) yield chunk as Buffer;
      } else {
        let frames: Buffer[] = [];
        const demux = new Demuxer((_stream, data) => frames.push(data));
        for await (const chunk of res) {
          demux.push(chunk as Buffer);
          if (!frames.length) continue;
          const out = frames.length === 1 ? frames[0] : Buffer.concat(frames);
          frames = [];
          yield out;
        }
      }
    } catch (e) {
      if (!signal.aborted) throw e;
    } finally {
      signal.removeEventListener("abort", onAbort);
      res.destroy();
    }
  }

  /** Poll exec inspect: the stream can end a moment before the engine records the exit code. */
  private async execExitCode(execId: string, killed: boolean): Promise<number> {
    for (let i = 0; i < 100; i++) {
      const j = await this.engine.jsonOrMissing<{ Running: boolean; ExitCode: number | null }>("GET", `/exec/${execId}/json`, { timeoutMs: this.callTimeoutMs });
      if (!j) throw new Error(`exec ${execId} vanished before its exit code was known`);
      if (!j.Running && typeof j.ExitCode === "number") return j.ExitCode;
      if (killed) throw new Error("exec session killed before the process ended");
      await sleep(i < 10 ? 20 : 100);
    }
    throw new Error(`exec ${execId}: the stream ended but the engine still reports it running`);
  }

  async exec(id: string, opts: ExecOptions): Promise<ExecSession> {
    const x = await this.call<{ Id: string }>("POST", `/containers/${idPath(id)}/exec`, {
      body: { AttachStdin: opts.stdin, AttachStdout: opts.stdout, AttachStderr: opts.stderr, Tty: opts.tty, Cmd: opts.cmd, ...(opts.env ? { Env: opts.env } : {}) },
    });
    const { socket, head } = await this.engine.hijack("POST", `/exec/${x.Id}/start`, { Detach: false, Tty: opts.tty }, this.callTimeoutMs);
    return session(socket, head, {
      tty: opts.tty,
      stdin: opts.stdin,
      resize: (cols, rows) => this.send("POST", `/exec/${x.Id}/resize`, { query: { h: rows, w: cols } }),
      exitCode: (killed) => this.execExitCode(x.Id, killed),
    });
  }

  async attach(id: string, opts: AttachOptions): Promise<ExecSession> {
    const j = await this.mustInspect(id);
    const path = buildPath(`/containers/${idPath(id)}/attach`, { stream: true, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr });
    const { socket, head } = await this.engine.hijack("POST", path, undefined, this.callTimeoutMs);
    return session(socket, head, {
      tty: j.Config.Tty ?? false,
      stdin: opts.stdin,
      resize: (cols, rows) => this.send("POST", `/containers/${idPath(id)}/resize`, { query: { h: rows, w: cols } }),
      // The stream ends when the process exits (or detaches): its exit code, or 0 while it still runs.
      exitCode: async () => {
        for (let i = 0; i < 20; i++) {
          const s = (await this.mustInspect(id)).State;
          if (s.Status !== "running") return s.ExitCode ?? 0;
          await sleep(50);
        }
        return 0;
      },
    });
  }

  async execSync(id: string, cmd: string[], timeoutMs: number): Promise<{ exitCode: number; output: string }> {
    let timer: NodeJS.Timeout | undefined;
    let sess: ExecSession | undefined;
    let timedOut = false;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        // The engine has no "kill exec": drop the connection and abandon the process.
        sess?.kill();
        reject(new ExecTimeoutError(timeoutMs, cmd));
      }, timeoutMs);
    });
    try {
      const run = (async () => {
        const s = await this.exec(id, { cmd, tty: false, stdin: false, stdout: true, stderr: true });
        sess = s;
        if (timedOut) s.kill();
        const chunks: Uint8Array[] = [];
        let size = 0;
        s.onOutput((_stream, data) => {
          if (size >= EXEC_OUTPUT_LIMIT) return;
          const part = data.subarray(0, EXEC_OUTPUT_LIMIT - size);
          chunks.push(part);
          size += part.length;
        });
        const exitCode = await s.done;
        return { exitCode, output: Buffer.concat(chunks).toString("utf8") };
      })();
      run.catch(() => {});
      return await Promise.race([run, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stats(id: string): Promise<ContainerStats | undefined> {
    try {
      const j = await this.engine.jsonOrMissing<DockerStats>("GET", `/containers/${idPath(id)}/stats`, {
        query: { stream: false, "one-shot": true },
        timeoutMs: this.callTimeoutMs,
      });
      return j ? statsFrom(j) : undefined;
    } catch (e) {
      // Not running: no stats, not an error.
      if (isStatus(e, 409) || (e instanceof EngineError && /not running|is stopped|state improper/i.test(e.engineMessage))) return undefined;
      throw e;
    }
  }

  async createVolume(name: string, opts: { tmpfs: boolean; sizeBytes?: number; labels: Record<string, string> }): Promise<void> {
    const driverOpts = opts.tmpfs ? tmpfsVolumeOpts(opts.sizeBytes, (await this.flavor()).tmpfsSizeAsBlocks, pageSize()) : {};
    try {
      await this.call("POST", "/volumes/create", { body: { Name: name, Driver: "local", DriverOpts: driverOpts, Labels: opts.labels } });
    } catch (e) {
      // Idempotent: Docker answers 201 for an existing volume, Podman 409/500 "already exists".
      if (e instanceof EngineError && (e.status === 409 || /already exists/i.test(e.engineMessage))) return;
      throw e;
    }
  }

  async removeVolume(name: string): Promise<void> {
    await this.send("DELETE", `/volumes/${idPath(name)}`, { query: { force: true } }, [404]);
  }
}
