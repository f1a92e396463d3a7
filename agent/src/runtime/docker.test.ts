/**
 * The runtime layer against a real Podman (its own API service on a temp
 * socket; see test/helpers/podman.ts), plus the pure parts — demuxer, tar,
 * ELF, create-body mapping — without one. Every container and volume made
 * here carries this run's node names / label and is removed at the end.
 */
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID, randomBytes } from "node:crypto";
import { spawnSync } from "node:child_process";
import { DockerRuntime, ExecTimeoutError } from "./docker.js";
import { Demuxer, frame } from "./demux.js";
import { tar, tarHeader } from "./tar.js";
import { pauseElf, pauseRootfsTar, PAUSE_IMAGE } from "./pause.js";
import { parseEngineAddress, EngineError } from "./engine.js";
import { findRuntimeSocket } from "./socket.js";
import { containerCreateBody, tmpfsVolumeOpts, entrypointAndCmd, engineTime, infoFromInspect, sandboxCreateBody, splitImageRef, statsFrom, registryAuthHeader, type DockerInspect } from "./mapping.js";
import { LABELS, type ContainerSpec, type ExecSession, type SandboxInfo, type SandboxSpec } from "./types.js";
import { startPodman, ensureTestImage, TEST_IMAGE, type PodmanService } from "../../../test/helpers/podman.js";

// ---------------------------------------------------------------- pure parts

test("demuxer: frames split anywhere across chunks, in order, both streams", () => {
  const wire = Buffer.concat([frame(1, Buffer.from("hello ")), frame(2, Buffer.from("oops\n")), frame(1, Buffer.alloc(0)), frame(1, Buffer.from("world\n"))]);
  for (let cut = 1; cut < wire.length; cut++) {
    const got: string[] = [];
    const d = new Demuxer((s, data) => got.push(`${s}:${data.toString()}`));
    d.push(wire.subarray(0, cut));
    d.push(wire.subarray(cut));
    assert.deepEqual(got, ["1:hello ", "2:oops\n", "1:world\n"], `cut at ${cut}`);
    assert.equal(d.buffered, 0);
  }
  const one: number[] = [];
  const d = new Demuxer((_s, data) => one.push(data.length));
  for (const b of wire) d.push(Uint8Array.of(b));
  assert.deepEqual(one, [6, 5, 6]);
});

test("tar: ustar headers with valid checksums, padded data, long names, readable by tar(1)", () => {
  const h = tarHeader({ name: "bin/busybox", type: "file", mode: 0o755, data: new Uint8Array(1000) });
  assert.equal(h.length, 512);
  assert.equal(Buffer.from(h.subarray(257, 263)).toString("latin1"), "ustar\0");
  const stored = parseInt(Buffer.from(h.subarray(148, 154)).toString("latin1"), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  assert.equal(stored, sum);
  assert.equal(parseInt(Buffer.from(h.subarray(124, 135)).toString("latin1"), 8), 1000);
  const long = `${"d".repeat(120)}/${"f".repeat(90)}`;
  const archive = tar([
    { name: "etc", type: "dir" },
    { name: "etc/hello", type: "file", data: Buffer.from("hi\n") },
    { name: "bin/sh", type: "symlink", target: "busybox" },
    { name: long, type: "file", data: Buffer.from("x") },
  ]);
  assert.equal(archive.length % 512, 0);
  assert.equal(archive.length, 512 * (1 + 2 + 1 + 2 + 2));
  const dir = mkdtempSync(join(tmpdir(), "tar-test-"));
  try {
    writeFileSync(join(dir, "a.tar"), archive);
    const r = spawnSync("tar", ["-tvf", join(dir, "a.tar")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /etc\/hello/);
    assert.match(r.stdout, /bin\/sh -> busybox/);
    assert.ok(r.stdout.includes(long));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.throws(() => tarHeader({ name: "x".repeat(300), type: "file" }), /too long/);
});

test("pause ELF: minimal static executables for x86_64 and aarch64", () => {
  for (const [arch, machine, size] of [["x64", 62, 64 + 56 + 9], ["arm64", 183, 64 + 56 + 32]] as const) {
    const elf = pauseElf(arch);
    const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
    assert.equal(elf.length, size);
    assert.deepEqual([...elf.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    assert.equal(v.getUint16(16, true), 2, "ET_EXEC");
    assert.equal(v.getUint16(18, true), machine);
    assert.equal(v.getBigUint64(24, true), 0x400000n + 120n, "entry right after the headers");
    assert.equal(v.getUint32(64, true), 1, "PT_LOAD");
    assert.equal(v.getBigUint64(64 + 32, true), BigInt(size), "filesz covers the file");
  }
  const x64 = pauseElf("x64");
  assert.deepEqual([...x64.subarray(120)], [0xb8, 34, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7], "mov eax,34 (pause); syscall; jmp back");
  const t = pauseRootfsTar("x64");
  assert.equal(Buffer.from(t.subarray(0, 5)).toString(), "pause");
  assert.equal(t.length, 512 * 4);
});

test("pause ELF runs on this host and sleeps until SIGKILL", { skip: process.arch !== "x64" && process.arch !== "arm64" }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "pause-"));
  try {
    const p = join(dir, "pause");
    writeFileSync(p, pauseElf());
    chmodSync(p, 0o755);
    const r = spawnSync(p, [], { timeout: 300, killSignal: "SIGKILL" });
    assert.equal(r.signal, "SIGKILL", "still running when the timeout hit");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("entrypoint/cmd follow Kubernetes: command replaces ENTRYPOINT, args replace CMD", () => {
  assert.deepEqual(entrypointAndCmd(undefined, undefined), {});
  assert.deepEqual(entrypointAndCmd([], []), {});
  assert.deepEqual(entrypointAndCmd(["sh", "-c"], undefined), { Entrypoint: ["sh", "-c"], Cmd: [] });
  assert.deepEqual(entrypointAndCmd(["sh", "-c"], ["echo hi"]), { Entrypoint: ["sh", "-c"], Cmd: ["echo hi"] });
  assert.deepEqual(entrypointAndCmd(undefined, ["--port", "80"]), { Cmd: ["--port", "80"] });
});

test("image references split for /images/create; auth header is url-safe base64 JSON", () => {
  assert.deepEqual(splitImageRef("nginx"), { fromImage: "nginx", tag: "latest" });
  assert.deepEqual(splitImageRef("nginx:1.27"), { fromImage: "nginx", tag: "1.27" });
  assert.deepEqual(splitImageRef("localhost:5000/a/b"), { fromImage: "localhost:5000/a/b", tag: "latest" });
  assert.deepEqual(splitImageRef("localhost:5000/a/b:2"), { fromImage: "localhost:5000/a/b", tag: "2" });
  assert.deepEqual(splitImageRef("ghcr.io/x/y@sha256:abc"), { fromImage: "ghcr.io/x/y", tag: "sha256:abc" });
  const h = registryAuthHeader({ auth: Buffer.from("u:p?>").toString("base64"), serveraddress: "r.example" });
  assert.doesNotMatch(h, /[+/]/);
  const j = JSON.parse(Buffer.from(h.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString());
  assert.equal(j.username, "u");
  assert.equal(j.password, "p?>");
  assert.equal(j.serveraddress, "r.example");
});

test("create bodies: sandbox owns network and IPC, containers join them", () => {
  const pod: SandboxSpec = { node: "n1", namespace: "ns", name: "web", uid: "0123456789abcdef", hostname: "web", hostNetwork: false, ports: [{ containerPort: 80, hostPort: 8080, protocol: "TCP" }], dnsServers: ["1.1.1.1"] };
  const sb = sandboxCreateBody(pod) as { Labels: Record<string, string>; Hostname: string; StopSignal: string; HostConfig: Record<string, unknown> };
  assert.equal(sb.Labels[LABELS.role], "sandbox");
  assert.equal(sb.Labels[LABELS.node], "n1");
  assert.equal(sb.Hostname, "web");
  assert.equal(sb.StopSignal, "SIGKILL");
  assert.deepEqual(sb.HostConfig.PortBindings, { "80/tcp": [{ HostIp: "", HostPort: "8080" }] });
  assert.equal(sb.HostConfig.IpcMode, "shareable");
  const hostSb = sandboxCreateBody({ ...pod, hostNetwork: true }) as { Hostname?: string; HostConfig: Record<string, unknown> };
  assert.equal(hostSb.Hostname, undefined);
  assert.equal(hostSb.HostConfig.NetworkMode, "host");
  const spec = containerSpec("app", { command: ["sh"], mounts: [{ hostPath: "/data", containerPath: "/d", readOnly: true }, { volume: "v1", containerPath: "/v", readOnly: false }], securityContext: { runAsUser: 1000, runAsGroup: 2000, capDrop: ["ALL"] }, resources: { memoryBytes: 1 << 26 } });
  const c = containerCreateBody({ id: "sbx", ip: "10.0.0.2", running: true }, pod, spec) as Record<string, any>;
  assert.equal(c.HostConfig.NetworkMode, "container:sbx");
  assert.equal(c.HostConfig.IpcMode, "container:sbx");
  assert.deepEqual(c.HostConfig.Binds, ["/data:/d:ro", "v1:/v"]);
  assert.equal(c.User, "1000:2000");
  assert.equal(c.HostConfig.Memory, 1 << 26);
  assert.equal(c.HostConfig.RestartPolicy, undefined);
  assert.deepEqual(c.Entrypoint, ["sh"]);
  assert.equal(c.Labels[LABELS.containerName], "app");
  assert.equal(c.Labels[LABELS.attempt], "0");
  assert.equal(c.HostConfig.UTSMode, undefined, "Docker shares the hostname by itself");
  assert.equal((containerCreateBody({ id: "sbx", ip: "", running: true }, pod, spec, { podman: true }) as Record<string, any>).HostConfig.UTSMode, "container:sbx");
  const h = containerCreateBody({ id: "sbx", ip: "", running: true }, { ...pod, hostNetwork: true }, spec, { podman: true }) as Record<string, any>;
  assert.equal(h.HostConfig.NetworkMode, "host");
  assert.equal(h.HostConfig.UTSMode, undefined);
  // Process namespaces: none shared by default; the pod's (the sandbox's) with shareProcessNamespace; the host's with
  // hostPID; an ephemeral container's target before either. hostIPC: the host's IPC for the sandbox and every container.
  assert.equal(c.HostConfig.PidMode, undefined);
  assert.equal((containerCreateBody({ id: "sbx", ip: "", running: true }, { ...pod, shareProcessNamespace: true }, spec) as Record<string, any>).HostConfig.PidMode, "container:sbx");
  const hostNs = { ...pod, hostPID: true, hostIPC: true, shareProcessNamespace: true };
  const hc = containerCreateBody({ id: "sbx", ip: "", running: true }, hostNs, spec) as Record<string, any>;
  assert.equal(hc.HostConfig.PidMode, "host");
  assert.equal(hc.HostConfig.IpcMode, "host");
  assert.equal((sandboxCreateBody(hostNs) as { HostConfig: Record<string, unknown> }).HostConfig.IpcMode, "host");
  assert.equal((containerCreateBody({ id: "sbx", ip: "", running: true }, hostNs, { ...spec, role: "ephemeral", pidTarget: "app1" }) as Record<string, any>).HostConfig.PidMode, "container:app1");
  assert.deepEqual(tmpfsVolumeOpts(16 << 20, false), { type: "tmpfs", device: "tmpfs", o: "size=16777216" });
  assert.deepEqual(tmpfsVolumeOpts(16 << 20, true, 4096), { type: "tmpfs", device: "tmpfs", o: "nr_blocks=4096" });
  assert.deepEqual(tmpfsVolumeOpts(undefined, true), { type: "tmpfs", device: "tmpfs" });
});

test("inspect and stats mapping: reasons, zero times, cgroup v1 and v2 working set", () => {
  const base: DockerInspect = {
    Id: "c1",
    Created: "2026-01-02T03:04:05.123456789Z",
    Image: "0".repeat(64),
    State: { Status: "exited", ExitCode: 0, OOMKilled: false, StartedAt: "2026-01-02T03:04:06Z", FinishedAt: "2026-01-02T03:04:07Z" },
    Config: { Image: "busybox", Labels: { [LABELS.role]: "sandbox" } },
    NetworkSettings: { IPAddress: "", Networks: { podman: { IPAddress: "10.88.0.9" } } },
  };
  const i = infoFromInspect(base);
  assert.equal(i.reason, "Completed");
  assert.equal(i.imageId, `sha256:${"0".repeat(64)}`);
  assert.equal(i.ip, "10.88.0.9");
  assert.equal(i.createdAt, "2026-01-02T03:04:05.123Z");
  assert.equal(infoFromInspect({ ...base, State: { ...base.State, ExitCode: 137, OOMKilled: true } }).reason, "OOMKilled");
  assert.equal(infoFromInspect({ ...base, State: { ...base.State, ExitCode: 2 } }).reason, "Error");
  const early = infoFromInspect({ ...base, State: { ...base.State, StartedAt: "2026-01-02T03:04:06.543Z", FinishedAt: "2026-01-02T03:04:06.542Z" } });
  assert.equal(early.finishedAt, early.startedAt, "never finished before it started");
  const created = infoFromInspect({ ...base, State: { Status: "created", ExitCode: 0, StartedAt: "0001-01-01T00:00:00Z", FinishedAt: "0001-01-01T00:00:00Z" } });
  assert.equal(created.state, "created");
  assert.equal(created.startedAt, undefined);
  assert.equal(created.finishedAt, undefined);
  assert.equal(created.exitCode, undefined);
  assert.equal(engineTime("0001-01-01T00:00:00Z"), undefined);
  assert.deepEqual(statsFrom({ read: "2026-01-01T00:00:00Z", cpu_stats: { cpu_usage: { total_usage: 5 } }, memory_stats: { usage: 100, stats: { total_inactive_file: 30, inactive_file: 10 } } }), { cpuNanos: 5, memoryBytes: 70, timestamp: Date.parse("2026-01-01T00:00:00Z") });
  assert.equal(statsFrom({ cpu_stats: { cpu_usage: { total_usage: 5 } }, memory_stats: { usage: 100, stats: { inactive_file: 10 } } })?.memoryBytes, 90);
  assert.equal(statsFrom({ cpu_stats: { cpu_usage: { total_usage: 5 } }, memory_stats: { usage: 10, stats: { inactive_file: 50 } } })?.memoryBytes, 0);
});

test("engine addresses and runtime socket discovery", () => {
  assert.deepEqual(parseEngineAddress("unix:///run/docker.sock"), { socketPath: "/run/docker.sock" });
  assert.deepEqual(parseEngineAddress("/x.sock"), { socketPath: "/x.sock" });
  assert.deepEqual(parseEngineAddress("tcp://10.0.0.1:2375"), { host: "10.0.0.1", port: 2375 });
  assert.throws(() => parseEngineAddress("ssh://me@host"), /unsupported/);
  const dir = mkdtempSync(join(tmpdir(), "sock-"));
  try {
    const s = join(dir, "e.sock");
    writeFileSync(s, "");
    assert.equal(findRuntimeSocket({ DOCKER_HOST: `unix://${s}` }), s);
    assert.equal(findRuntimeSocket({ DOCKER_HOST: `unix://${dir}/missing.sock` }), undefined);
    assert.equal(findRuntimeSocket({ DOCKER_HOST: "tcp://h:2375" }), "tcp://h:2375");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------- on Podman
function containerSpec(name: string, extra: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    role: "app",
    name,
    image: TEST_IMAGE,
    env: {},
    mounts: [],
    tty: false,
    stdin: false,
    stdinOnce: false,
    resources: {},
    securityContext: {},
    attempt: 0,
    specHash: "h",
    gracePeriodSeconds: 30,
    ...extra,
  };
}

const run = randomBytes(3).toString("hex");
const NODE_A = `rt-test-a-${run}`;
const NODE_B = `rt-test-b-${run}`;
const VOLUME_LABEL = { "io.edgeplane.test-run": run };
// A pause image of this run's own, so importing it never disturbs other users of the engine.
const TEST_PAUSE = `localhost/edgeplane/pause-test-${run}:1`;
let podman: PodmanService;
let rt: DockerRuntime;
const tmpDirs: string[] = [];

describe("DockerRuntime on Podman (a private API service)", () => {
  before(async () => {
    podman = await startPodman();
    ensureTestImage();
    rt = new DockerRuntime(podman.socket, { pauseImage: TEST_PAUSE });
  });

  after(async () => {
    if (rt) {
      try {
        for (const node of [NODE_A, NODE_B]) for (const c of await rt.list(node)) await rt.remove(c.id);
        const vols = await rt.engine.json<{ Volumes: { Name: string }[] | null }>("GET", "/volumes", { query: { filters: JSON.stringify({ label: [`io.edgeplane.test-run=${run}`] }) } });
        for (const v of vols.Volumes ?? []) await rt.removeVolume(v.Name);
        await rt.engine.json("DELETE", `/images/${TEST_PAUSE}`).catch(() => {});
        assert.equal((await rt.list(NODE_A)).length + (await rt.list(NODE_B)).length, 0, "cleanup left containers behind");
      } finally {
        rt.close();
      }
    }
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
    await podman?.stop();
  });

  function podSpec(node: string, name: string, extra: Partial<SandboxSpec> = {}): SandboxSpec {
    return { node, namespace: "default", name, uid: randomUUID(), hostname: name, hostNetwork: false, ports: [], ...extra };
  }


  /** Create and start a container in a pod; returns its id. */
  async function runIn(sb: SandboxInfo, pod: SandboxSpec, spec: ContainerSpec): Promise<string> {
    const id = await rt.createContainer(sb, pod, spec);
    await rt.start(id);
    return id;
  }

  async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < end) {
      try {
        const v = await fn();
        if (v) return v;
      } catch (e) {
        last = e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
  }

  async function readLogs(id: string, opts: Partial<Parameters<DockerRuntime["logs"]>[1]> = {}, signal = new AbortController().signal): Promise<string> {
    let s = "";
    for await (const c of rt.logs(id, { follow: false, timestamps: false, ...opts }, signal)) s += Buffer.from(c).toString();
    return s;
  }

  function httpGet(host: string, port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host, port, path: "/", timeout: 3000 }, (res) => {
        let b = "";
        res.on("data", (d: Buffer) => (b += d.toString()));
        res.on("end", () => resolve(b));
      });
      req.on("timeout", () => req.destroy(new Error(`GET http://${host}:${port}/ timed out`)));
      req.on("error", reject);
    });
  }

  function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
      s.on("error", reject);
    });
  }

  function collect(s: ExecSession): () => string {
    let out = "";
    s.onOutput((_stream, d) => (out += Buffer.from(d).toString()));
    return () => out;
  }

  test("podman: version, and the pause image is imported once", async () => {
    const v = await rt.version();
    assert.equal(v.name, "podman");
    assert.match(v.version, /^\d+\.\d+/);
    assert.equal(await rt.imagePresent(TEST_PAUSE), undefined);
    await Promise.all([rt.ensurePauseImage(), rt.ensurePauseImage()]);
    const id = await rt.imagePresent(TEST_PAUSE);
    assert.ok(id, "pause image present after import");
    const inspect = await rt.engine.json<{ RepoTags: string[]; Config: { Entrypoint: string[] } }>("GET", `/images/${TEST_PAUSE}/json`);
    assert.deepEqual(inspect.RepoTags, [TEST_PAUSE], "tagged as asked, not :latest");
    assert.deepEqual(inspect.Config.Entrypoint, ["/pause"]);
    assert.equal(PAUSE_IMAGE, "localhost/edgeplane/pause:1");
    assert.ok(await rt.imagePresent(TEST_IMAGE), "the test image resolves by its short name");
    assert.equal(await rt.imagePresent("edgeplane-test/absent:1"), undefined);
  });

  test("podman: a pod shares network and IPC; pod IP and hostPort reachable from the host", async () => {
    const hostPort = await freePort();
    const pod = podSpec(NODE_A, "web", { ports: [{ containerPort: 8080, hostPort, protocol: "TCP" }], labels: { app: "web" } });
    const sb = await rt.createSandbox(pod);
    assert.ok(sb.running);
    assert.match(sb.ip, /^\d+\.\d+\.\d+\.\d+$/);
    const server = await runIn(sb, pod, containerSpec("server", { command: ["sh", "-c"], args: ["echo hello-from-server > /www/index.html; echo shared > /dev/shm/ipc-probe; exec httpd -f -p 8080 -h /www"] }));
    const client = await runIn(sb, pod, containerSpec("client", { command: ["sleep", "3600"] }));
    const fetched = await waitFor("wget from the second container", async () => {
      const r = await rt.execSync(client, ["wget", "-qO-", "http://127.0.0.1:8080/"], 5000);
      return r.exitCode === 0 && r.output;
    });
    assert.equal(fetched.trim(), "hello-from-server");
    const ns = async (id: string) => (await rt.execSync(id, ["sh", "-c", "readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; hostname"], 5000)).output;
    assert.equal(await ns(server), await ns(client));
    assert.match(await ns(client), /\nweb\n$/, "the pod's hostname");
    assert.equal((await rt.execSync(client, ["cat", "/dev/shm/ipc-probe"], 5000)).output.trim(), "shared", "same /dev/shm (IPC namespace)");
    assert.equal((await httpGet(sb.ip, 8080)).trim(), "hello-from-server", "pod IP reachable from the host");
    assert.equal((await waitFor("hostPort", () => httpGet("127.0.0.1", hostPort))).trim(), "hello-from-server", "hostPort on 127.0.0.1");

    const s = await rt.stats(server);
    assert.ok(s && s.cpuNanos > 0 && s.memoryBytes > 0, `stats: ${JSON.stringify(s)}`);

    const info = await rt.inspect(sb.id);
    assert.equal(info?.ip, sb.ip);
    assert.equal(info?.labels.app, "web");
    assert.equal(info?.labels[LABELS.role], "sandbox");
    const started = Date.now();
    await rt.stop(sb.id, 30);
    assert.ok(Date.now() - started < 5000, "the pause container stops at once (SIGKILL)");
  });

  test("podman: bind-mounted dir shared by two containers (one read-only), and a tmpfs volume", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rt-bind-"));
    tmpDirs.push(dir);
    const vol = `rt-test-${run}-mem`;
    await rt.createVolume(vol, { tmpfs: true, sizeBytes: 16 << 20, labels: VOLUME_LABEL });
    await rt.createVolume(vol, { tmpfs: true, sizeBytes: 16 << 20, labels: VOLUME_LABEL }); // idempotent
    const pod = podSpec(NODE_A, "vols");
    const sb = await rt.createSandbox(pod);
    const writer = await runIn(sb, pod, containerSpec("writer", { command: ["sleep", "3600"], mounts: [{ hostPath: dir, containerPath: "/shared", readOnly: false }, { volume: vol, containerPath: "/mem", readOnly: false }] }));
    const reader = await runIn(sb, pod, containerSpec("reader", { command: ["sleep", "3600"], mounts: [{ hostPath: dir, containerPath: "/shared", readOnly: true }, { volume: vol, containerPath: "/mem", readOnly: false }] }));
    assert.equal((await rt.execSync(writer, ["sh", "-c", "echo from-writer > /shared/f && echo in-memory > /mem/m"], 5000)).exitCode, 0);
    assert.equal((await rt.execSync(reader, ["cat", "/shared/f"], 5000)).output, "from-writer\n");
    assert.equal(readFileSync(join(dir, "f"), "utf8"), "from-writer\n", "visible on the host");
    const ro = await rt.execSync(reader, ["sh", "-c", "echo x > /shared/g"], 5000);
    assert.notEqual(ro.exitCode, 0, "read-only bind");
    assert.match(ro.output, /read-only/i);
    assert.equal((await rt.execSync(reader, ["cat", "/mem/m"], 5000)).output, "in-memory\n", "the volume is shared");
    const mounts = (await rt.execSync(reader, ["sh", "-c", "grep ' /mem ' /proc/mounts"], 5000)).output;
    assert.match(mounts, /^tmpfs \/mem tmpfs .*size=16384k/m);
    for (const id of [writer, reader, sb.id]) await rt.remove(id);
    await rt.removeVolume(vol);
    await rt.removeVolume(vol); // gone already: fine
  });

  test("podman: env, command, args, workingDir, user; args alone keep the image entrypoint", async () => {
    const pod = podSpec(NODE_A, "cmds");
    const sb = await rt.createSandbox(pod);
    const a = await runIn(sb, pod, containerSpec("a", { command: ["sh", "-c"], args: ['echo "$GREETING $(pwd) $(id -u):$(id -g) $0"', "arg0"], env: { GREETING: "hi there" }, workingDir: "/tmp", securityContext: { runAsUser: 65534, runAsGroup: 65534 } }));
    const b = await runIn(sb, pod, containerSpec("b", { args: ["echo", "args-only"] }));
    await waitFor("both exit", async () => (await rt.inspect(a))?.state === "exited" && (await rt.inspect(b))?.state === "exited");
    assert.equal(await readLogs(a), "hi there /tmp 65534:65534 arg0\n");
    assert.equal(await readLogs(b), "args-only\n");
    const ia = await rt.inspect(a);
    assert.equal(ia?.exitCode, 0);
    assert.equal(ia?.reason, "Completed");
    assert.ok(ia?.startedAt && ia.finishedAt && ia.finishedAt >= ia.startedAt, `started ${ia?.startedAt} finished ${ia?.finishedAt}`);
    assert.match(ia?.imageId ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.equal(ia?.image.endsWith(TEST_IMAGE), true);
    const c = await runIn(sb, pod, containerSpec("c", { command: ["sh", "-c", "exit 7"] }));
    await waitFor("exit 7", async () => (await rt.inspect(c))?.state === "exited");
    const ic = await rt.inspect(c);
    assert.equal(ic?.exitCode, 7);
    assert.equal(ic?.reason, "Error");
    const created = await rt.createContainer(sb, pod, containerSpec("never-started", { command: ["true"], attempt: 1 }));
    const icr = await rt.inspect(created);
    assert.equal(icr?.state, "created");
    assert.equal(icr?.startedAt, undefined);
    // The same name again (a leftover of the same attempt) still creates.
    const again = await rt.createContainer(sb, pod, containerSpec("never-started", { command: ["true"], attempt: 1 }));
    assert.notEqual(again, created);
  });

  test("podman: logs with tail, timestamps, since, follow to exit, and abort", async () => {
    const pod = podSpec(NODE_A, "logs");
    const sb = await rt.createSandbox(pod);
    const id = await runIn(sb, pod, containerSpec("talker", { command: ["sh", "-c", "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; sleep 2.5; echo four; sleep 0.5; echo five"] }));
    const follow = (async () => readLogs(id, { follow: true }))();
    await waitFor("three", async () => (await readLogs(id)).includes("three"));
    const since = Math.floor(Date.now() / 1000) + 1;
    const all = await readLogs(id);
    // Podman's conmon reads stdout and stderr from separate pipes: their order is kept only across a pause.
    assert.equal(all, "one\ntwo\nthree\n", "stdout and stderr interleaved");
    assert.equal(await readLogs(id, { tail: 1 }), "three\n");
    const ts = await readLogs(id, { timestamps: true });
    const lines = ts.trim().split("\n");
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d) (one|two|three)$/);
    const followed = await follow;
    assert.equal(followed, "one\ntwo\nthree\nfour\nfive\n", "follow ends when the container exits");
    assert.equal(await readLogs(id, { since }), "four\nfive\n");

    const ticker = await runIn(sb, pod, containerSpec("ticker", { command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.2; done"] }));
    const ac = new AbortController();
    let got = "";
    const started = Date.now();
    for await (const c of rt.logs(ticker, { follow: true, timestamps: false }, ac.signal)) {
      got += Buffer.from(c).toString();
      if (got.includes("tick3")) ac.abort();
    }
    assert.match(got, /tick1\ntick2\ntick3\n/);
    assert.ok(Date.now() - started < 5000);
    assert.equal(await readLogs(ticker, {}, ac.signal), "", "an aborted signal yields nothing");
    await rt.remove(ticker);
  });

  test("podman: exec with stdin, exit codes, tty with resize, attach, execSync timeout", async () => {
    const pod = podSpec(NODE_A, "exec");
    const sb = await rt.createSandbox(pod);
    const id = await runIn(sb, pod, containerSpec("box", { command: ["sleep", "3600"] }));

    const cat = await rt.exec(id, { cmd: ["cat"], tty: false, stdin: true, stdout: true, stderr: true });
    const catOut = collect(cat);
    cat.write(Buffer.from("echo me\n"));
    await waitFor("echo", async () => catOut() === "echo me\n");
    cat.write(Buffer.from("and me"));
    cat.closeStdin();
    assert.equal(await cat.done, 0);
    assert.equal(catOut(), "echo me\nand me");

    const three = await rt.exec(id, { cmd: ["sh", "-c", "echo out; echo err >&2; exit 3"], tty: false, stdin: false, stdout: true, stderr: true });
    const streams: string[] = [];
    three.onOutput((s, d) => streams.push(`${s}:${Buffer.from(d).toString().trim()}`));
    assert.equal(await three.done, 3);
    assert.deepEqual(streams.sort(), ["1:out", "2:err"]);

    const tty = await rt.exec(id, { cmd: ["sh", "-c", "sleep 0.5; tty; stty size"], tty: true, stdin: true, stdout: true, stderr: true });
    const ttyOut = collect(tty);
    await tty.resize(100, 40);
    assert.equal(await tty.done, 0);
    assert.match(ttyOut(), /\/dev\/pts\/\d+\r\n40 100\r\n/);

    assert.deepEqual(await rt.execSync(id, ["sh", "-c", "echo ok; exit 0"], 5000), { exitCode: 0, output: "ok\n" });
    const t0 = Date.now();
    await assert.rejects(rt.execSync(id, ["sleep", "10"], 500), (e: unknown) => e instanceof ExecTimeoutError && /timed out after 500 ms/.test(e.message));
    assert.ok(Date.now() - t0 < 3000);

    const catMain = await runIn(sb, pod, containerSpec("attached", { command: ["cat"], stdin: true, stdinOnce: true }));
    const att = await rt.attach(catMain, { stdin: true, stdout: true, stderr: true });
    const attOut = collect(att);
    att.write(Buffer.from("via attach\n"));
    await waitFor("attach echo", async () => attOut() === "via attach\n");
    att.closeStdin();
    assert.equal(await att.done, 0);
    await waitFor("cat exits after stdin EOF", async () => (await rt.inspect(catMain))?.state === "exited");

    await assert.rejects(rt.exec(catMain, { cmd: ["true"], tty: false, stdin: false, stdout: true, stderr: true }), (e: unknown) => e instanceof EngineError && e.status >= 400 && /not running|state/i.test(e.message));
  });

  test("podman: stop honours a SIGTERM trap, and kills after the timeout otherwise", async () => {
    const pod = podSpec(NODE_A, "stop");
    const sb = await rt.createSandbox(pod);
    const trapper = await runIn(sb, pod, containerSpec("trap", { command: ["sh", "-c", "trap 'echo got-term; exit 0' TERM; echo ready; while true; do sleep 0.1; done"] }));
    const stubborn = await runIn(sb, pod, containerSpec("stubborn", { command: ["sleep", "3600"] }));
    await waitFor("ready", async () => (await readLogs(trapper)).includes("ready"));
    let t = Date.now();
    await rt.stop(trapper, 20);
    assert.ok(Date.now() - t < 5000, "stopped by its trap, not the timeout");
    const it = await rt.inspect(trapper);
    assert.equal(it?.exitCode, 0);
    assert.equal(it?.reason, "Completed");
    assert.match(await readLogs(trapper), /got-term/);
    t = Date.now();
    await rt.stop(stubborn, 2);
    const took = Date.now() - t;
    assert.ok(took >= 1800 && took < 10_000, `killed after the 2 s timeout (took ${took} ms)`);
    const is = await rt.inspect(stubborn);
    assert.equal(is?.state, "exited");
    assert.equal(is?.exitCode, 137);
    assert.equal(is?.reason, "Error");
    await rt.stop(stubborn, 2); // already stopped: fine
    await rt.remove(stubborn);
    await rt.remove(stubborn); // already gone: fine
    await rt.stop(stubborn, 1);
    assert.equal(await rt.inspect(stubborn), undefined);
    assert.equal(await rt.stats(stubborn), undefined);
  });

  test("podman: list() by node label sees only that node's containers", async () => {
    const podB = podSpec(NODE_B, "other");
    const sbB = await rt.createSandbox(podB);
    const cB = await rt.createContainer(sbB, podB, containerSpec("x", { command: ["true"] }));
    const a = await rt.list(NODE_A);
    const b = await rt.list(NODE_B);
    assert.ok(a.length >= 5);
    assert.ok(a.every((c) => c.labels[LABELS.node] === NODE_A));
    assert.deepEqual(b.map((c) => c.id).sort(), [sbB.id, cB].sort());
    const sandbox = b.find((c) => c.id === sbB.id);
    assert.equal(sandbox?.labels[LABELS.role], "sandbox");
    assert.equal(sandbox?.ip, sbB.ip);
    assert.equal(sandbox?.state, "running");
    assert.equal(b.find((c) => c.id === cB)?.state, "created");
    // A second look is served from the cache while nothing changed, and sees changes.
    await rt.start(cB);
    await waitFor("x exits", async () => (await rt.list(NODE_B)).find((c) => c.id === cB)?.state === "exited");
    assert.equal((await rt.list(NODE_B)).find((c) => c.id === cB)?.reason, "Completed");
  });

  test("podman: pulling from an unreachable registry rejects with the engine's reason", async () => {
    const t = Date.now();
    await assert.rejects(rt.pullImage("127.0.0.1:1/edgeplane/nothing:1", [{ username: "u", password: "p" }]), (e: Error) => {
      assert.match(e.message, /^failed to pull image "127\.0\.0\.1:1\/edgeplane\/nothing:1": .*(connection refused|connect)/i);
      return true;
    });
    assert.ok(Date.now() - t < 30_000);
  });
});
