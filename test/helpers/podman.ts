/**
 * Test harness for the agent's container runtime: a private Podman API
 * service on its own socket in a temp dir (tests never depend on a system
 * service or on a registry), and a small busybox image built locally from
 * Debian's busybox-static. Podman missing is an error with the fix, never a
 * silent skip.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, realpathSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tar, type TarEntry } from "../../agent/src/runtime/tar.js";

/** The image the runtime tests run; a non-latest tag so the pull policy defaults to IfNotPresent. */
export const TEST_IMAGE = "edgeplane-test/busybox:1";

export interface PodmanService {
  /** Path of the API socket. */
  socket: string;
  /** Kill the service and remove its temp dir. */
  stop(): Promise<void>;
}

function requirePodman(): void {
  const r = spawnSync("podman", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error("podman is not installed (or does not run): run `scripts/podman-setup.sh` (as root) first");
  // Without it netavark fails every bridge-networked container with a bare "No such file or directory".
  const ipt = spawnSync("sh", ["-c", "command -v iptables || ls /usr/sbin/iptables /sbin/iptables"], { encoding: "utf8" });
  if (ipt.status !== 0) throw new Error("iptables is not installed, and Podman's netavark needs it for bridge networking: `apt-get install iptables` (see .ci/run)");
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: "/_ping", timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
  });
}

/** Start `podman system service` on a socket of its own; resolves once GET /_ping answers. */
export async function startPodman(timeoutMs = 20_000): Promise<PodmanService> {
  requirePodman();
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-podman-"));
  const socket = join(dir, "podman.sock");
  let stderr = "";
  const child: ChildProcess = spawn("podman", ["system", "service", "--time=0", `unix://${socket}`], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const onExit = () => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", onExit);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const stop = async () => {
    process.off("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (existsSync(socket) && (await ping(socket))) return { socket, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`podman system service did not answer on ${socket} within ${timeoutMs} ms: ${stderr.trim() || "(no output)"}`);
}

/** Build TEST_IMAGE with `podman import` unless it exists already. */
export function ensureTestImage(): string {
  requirePodman();
  if (spawnSync("podman", ["image", "exists", TEST_IMAGE]).status === 0) return TEST_IMAGE;
  const busybox = ["/bin/busybox", "/usr/bin/busybox"].find((p) => existsSync(p));
  if (!busybox) throw new Error("busybox-static is not installed: run `scripts/podman-setup.sh` (as root) first");
  const list = spawnSync(busybox, ["--list"], { encoding: "utf8" });
  if (list.status !== 0) throw new Error(`${busybox} --list failed: ${list.stderr}`);
  const entries: TarEntry[] = [
    { name: "bin", type: "dir" },
    { name: "bin/busybox", type: "file", mode: 0o755, data: readFileSync(realpathSync(busybox)) },
    // What `busybox --install -s` would do inside the rootfs.
    ...list.stdout
      .split("\n")
      .filter((a) => a && a !== "busybox")
      .map((a): TarEntry => ({ name: `bin/${a}`, type: "symlink", target: "busybox" })),
    { name: "etc", type: "dir" },
    { name: "etc/passwd", type: "file", data: Buffer.from("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n") },
    { name: "etc/group", type: "file", data: Buffer.from("root:x:0:\nnogroup:x:65534:\n") },
    { name: "root", type: "dir", mode: 0o700 },
    { name: "tmp", type: "dir", mode: 0o1777 },
    { name: "www", type: "dir" },
  ];
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-rootfs-"));
  try {
    const file = join(dir, "rootfs.tar");
    writeFileSync(file, tar(entries));
    const r = spawnSync("podman", ["import", "--change", "ENV PATH=/bin", file, TEST_IMAGE], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`podman import of ${TEST_IMAGE} failed: ${r.stderr.trim()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return TEST_IMAGE;
}

/** Remove every container an agent created for `node` (found by its label, through the agent's own runtime client). */
export async function removeNodeContainers(socket: string, node: string): Promise<void> {
  const { DockerRuntime } = await import("../../agent/src/runtime/docker.js");
  const rt = new DockerRuntime(socket);
  try {
    const list = await rt.list(node).catch(() => []);
    // App containers before their sandboxes: Podman refuses to remove a sandbox others still join.
    for (const c of list.sort((a, b) => (a.labels["io.edgeplane.role"] === "sandbox" ? 1 : 0) - (b.labels["io.edgeplane.role"] === "sandbox" ? 1 : 0))) await rt.remove(c.id).catch(() => {});
  } finally {
    rt.close();
  }
}
