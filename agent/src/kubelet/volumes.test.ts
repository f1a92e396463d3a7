import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, existsSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1";
import { setupVolumes, containerMounts, memoryVolumeName, type VolumeRefs } from "./volumes.js";
import { ConfigError } from "./env.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const refs = (cm: Record<string, string> = { a: "1", b: "2" }): VolumeRefs => ({
  configMap: async (_ns, name) => (name === "cfg" ? { data: cm } : undefined),
  secret: async (_ns, name) => (name === "sec" ? { data: { pw: b64("s3cr3t") } } : undefined),
  services: async () => [],
  pvc: async (_ns, name) => (name === "claim" ? { spec: { volumeName: "pv1" }, status: { phase: "Bound" } } : name === "pending" ? { spec: {} } : undefined),
  pv: async (name) => (name === "pv1" ? { spec: { hostPath: { path: join(dir, "pvdata") } } } : undefined),
  token: async () => "a.jwt.token",
});
const dir = mkdtempSync(join(tmpdir(), "ep-vol-"));
const pod = (volumes: NonNullable<Pod["spec"]>["volumes"]): Pod => ({ metadata: { name: "p", namespace: "ns", uid: "u1", labels: { app: "x" } }, spec: { containers: [], volumes } });

test.after(() => rmSync(dir, { recursive: true, force: true }));

test("configMap and secret volumes are files; items pick and rename keys; removed keys go", async () => {
  const p = pod([{ name: "c", configMap: { name: "cfg" } }, { name: "s", secret: { secretName: "sec", items: [{ key: "pw", path: "sub/password", mode: 0o400 }] } }]);
  let v = await setupVolumes(p, dir, refs(), "10.0.0.1");
  const c = v.get("c")!;
  assert.equal(c.readOnly, true);
  assert.equal(readFileSync(join(c.hostPath!, "a"), "utf8"), "1");
  assert.equal(readFileSync(join(v.get("s")!.hostPath!, "sub/password"), "utf8"), "s3cr3t");
  assert.equal(statSync(join(v.get("s")!.hostPath!, "sub/password")).mode & 0o777, 0o400);
  v = await setupVolumes(p, dir, refs({ a: "changed" }), "10.0.0.1");
  assert.equal(readFileSync(join(c.hostPath!, "a"), "utf8"), "changed");
  assert.equal(existsSync(join(c.hostPath!, "b")), false, "a key removed from the ConfigMap is removed from the volume");
});

test("projected volumes combine sources, including a service-account token and the downward API", async () => {
  const v = await setupVolumes(
    pod([{ name: "api", projected: { sources: [{ serviceAccountToken: { path: "token" } }, { configMap: { name: "cfg", items: [{ key: "a", path: "ca.crt" }] } }, { downwardAPI: { items: [{ path: "namespace", fieldRef: { fieldPath: "metadata.namespace" } }] } }] } }]),
    dir,
    refs(),
    "10.0.0.1",
  );
  const d = v.get("api")!.hostPath!;
  assert.equal(readFileSync(join(d, "token"), "utf8"), "a.jwt.token");
  assert.equal(readFileSync(join(d, "ca.crt"), "utf8"), "1");
  assert.equal(readFileSync(join(d, "namespace"), "utf8"), "ns");
});

test("emptyDir is a directory (Memory: a runtime tmpfs volume); PVCs mount their hostPath PV; subPath joins", async () => {
  const v = await setupVolumes(pod([{ name: "e", emptyDir: {} }, { name: "m", emptyDir: { medium: "Memory" } }, { name: "pvc", persistentVolumeClaim: { claimName: "claim" } }]), dir, refs(), "10.0.0.1");
  assert.ok(statSync(v.get("e")!.hostPath!).isDirectory());
  assert.equal(v.get("m")!.volume, memoryVolumeName("u1", "m"));
  assert.equal(v.get("pvc")!.hostPath, join(dir, "pvdata"));
  const mounts = containerMounts([{ name: "e", mountPath: "/data", subPath: "x/y" }, { name: "m", mountPath: "/mem" }], v);
  assert.equal(mounts[0].hostPath, join(v.get("e")!.hostPath!, "x/y"));
  assert.equal(mounts[1].volume, memoryVolumeName("u1", "m"));
});

test("what blocks a pod is a ConfigError naming it; paths cannot escape the volume", async () => {
  await assert.rejects(setupVolumes(pod([{ name: "c", configMap: { name: "nope" } }]), dir, refs(), ""), (e: Error) => e instanceof ConfigError && /configmap "nope" not found/.test(e.message));
  await assert.rejects(setupVolumes(pod([{ name: "p", persistentVolumeClaim: { claimName: "pending" } }]), dir, refs(), ""), /is not bound/);
  await assert.rejects(setupVolumes(pod([{ name: "c", configMap: { name: "cfg", items: [{ key: "a", path: "../../escape" }] } }]), dir, refs(), ""), /invalid volume item path/);
  assert.throws(() => containerMounts([{ name: "missing", mountPath: "/x" }], new Map()), /names no volume/);
  // optional sources that are missing are fine
  const v = await setupVolumes(pod([{ name: "c", configMap: { name: "nope", optional: true } }]), dir, refs(), "");
  assert.ok(v.get("c")!.hostPath);
});
