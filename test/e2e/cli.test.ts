/**
 * The `edgeplane` command as an operator uses it: status, kubeconfig merge,
 * and backup of a busy cluster restored into a fresh one with uids and
 * resourceVersions as they were.
 */
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { FakeNodes } from "../../src/cli/fake-nodes.js";

const dir = mkdtempSync(join(tmpdir(), "edgeplane-cli-"));
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const f of cleanups.reverse()) await f();
  rmSync(dir, { recursive: true, force: true });
});

const edgeplane = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, ["bin/edgeplane.js", ...args], { encoding: "utf8", env: { ...process.env, ...env } });

test("edgeplane status shows components and nodes; kubeconfig --merge adds a named context; token create makes join and user tokens", async () => {
  const c = await startCluster();
  const nodes = new FakeNodes({ kubeconfig: c.kubeconfig, count: 2, prefix: "st" });
  await nodes.start();
  cleanups.push(async () => {
    await nodes.stop();
    await c.dispose();
  });
  const s = edgeplane(["status", "--kubeconfig", c.kubeconfig]);
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /control plane https:\/\/127\.0\.0\.1:\d+ v1\.30/);
  assert.match(s.stdout, /✓ scheduler/);
  assert.match(s.stdout, /✓ controller-manager/);
  assert.match(s.stdout, /✓ Ready\s+st-0/);
  const home = join(dir, "home");
  const m = edgeplane(["kubeconfig", "--merge", "--context", "edge-test", "--kubeconfig", c.kubeconfig], { HOME: home });
  assert.equal(m.status, 0, m.stderr);
  const merged = parse(readFileSync(join(home, ".kube", "config"), "utf8"));
  assert.equal(merged["current-context"], "edge-test");
  const k = spawnSync("kubectl", ["get", "nodes", "-o", "name"], { encoding: "utf8", env: { ...process.env, HOME: home, KUBECONFIG: join(home, ".kube", "config") } });
  assert.equal(k.status, 0, k.stderr);
  assert.match(k.stdout, /node\/st-0/);
  // A join token an agent can exchange for its node credential, and a user's token kubectl can use.
  const join_ = edgeplane(["token", "create", "--ttl", "1h", "--kubeconfig", c.kubeconfig]);
  assert.equal(join_.status, 0, join_.stderr);
  const bootstrap = join_.stdout.trim();
  assert.match(bootstrap, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.match(join_.stderr, /edgeplane join --server https:\/\/127\.0\.0\.1:\d+ --token /);
  const joined = await c.api("/edgeplane/v1/join", { method: "POST", headers: { authorization: `Bearer ${bootstrap}`, "content-type": "application/json" }, body: JSON.stringify({ nodeName: "joiner" }) });
  assert.equal(joined.status, 201, await joined.clone().text());
  const user = edgeplane(["token", "create", "--user", "bob", "--group", "ops", "--kubeconfig", c.kubeconfig]);
  assert.equal(user.status, 0, user.stderr);
  const who = spawnSync("kubectl", ["auth", "whoami", "-o", "json", "--token", user.stdout.trim()], { encoding: "utf8", env: { ...process.env, HOME: home, KUBECONFIG: c.kubeconfig } });
  assert.equal(who.status, 0, who.stderr);
  assert.equal(JSON.parse(who.stdout).status.userInfo.username, "bob");
  const missing = edgeplane(["status", "--kubeconfig", join(dir, "nope")]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no kubeconfig at .*\n\s+fix: start a local control plane/);
});

test("backup of a busy cluster, restored into a fresh one: same objects, uids and resourceVersions", async () => {
  const a = await startCluster();
  const nodes = new FakeNodes({ kubeconfig: a.kubeconfig, count: 3, prefix: "bk" });
  await nodes.start();
  cleanups.push(async () => {
    await nodes.stop();
    await a.dispose();
  });
  await a.kubectl(["create", "namespace", "shop"]);
  await a.kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=3", "-n", "shop"]);
  await a.kubectl(["expose", "deployment", "web", "--port=80", "-n", "shop"]);
  await a.kubectl(["create", "configmap", "settings", "--from-literal=mode=fast", "-n", "shop"]);
  await a.kubectl(["create", "secret", "generic", "creds", "--from-literal=password=hunter2", "-n", "shop"]);
  await a.kubectl(["create", "job", "once", "--image=busybox", "-n", "shop", "--", "true"]);
  await a.kubectl(["create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "-n", "shop", "--", "true"]);
  await eventually(async () => (await a.kubectl(["get", "pods", "-n", "shop", "-l", "app=web", "--field-selector=status.phase=Running", "-o", "name"])).stdout.trim().split("\n").filter(Boolean).length === 3, 20_000, "web Running");
  await nodes.stop();
  const file = join(dir, "backup.json");
  const b = edgeplane(["backup", file, "--kubeconfig", a.kubeconfig]);
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /✓ \d+ objects written/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const snapshot = async (c: TestCluster, what: string) => JSON.parse((await c.kubectl(["get", what, "-A", "-o", "json"])).stdout).items as { kind: string; metadata: { namespace?: string; name: string; uid: string; resourceVersion: string; labels?: object; ownerReferences?: object }; spec?: object; data?: object }[];
  const kinds = ["deployments", "replicasets", "pods", "services", "configmaps", "secrets", "jobs", "cronjobs", "namespaces", "nodes"];
  const before = Object.fromEntries(await Promise.all(kinds.map(async (k) => [k, await snapshot(a, k)] as const)));

  const fresh = await startCluster();
  cleanups.push(() => fresh.dispose());
  const r = edgeplane(["restore", file, "--kubeconfig", fresh.kubeconfig]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /✓ \d+ objects restored/);
  for (const k of kinds) {
    const now = await snapshot(fresh, k);
    const key = (o: { metadata: { namespace?: string; name: string } }) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
    const byKey = new Map(now.map((o) => [key(o), o]));
    // What a control plane keeps about itself (its own address and CA) is rewritten by the new one, as it should be.
    const own = (o: { metadata: { namespace?: string; name: string } }) => (k === "services" && key(o) === "default/kubernetes") || (k === "configmaps" && o.metadata.name === "kube-root-ca.crt");
    for (const o of before[k].filter((x) => !own(x))) {
      const n = byKey.get(key(o));
      assert.ok(n, `${k} ${key(o)} restored`);
      assert.equal(n.metadata.uid, o.metadata.uid, `${k} ${key(o)} keeps its uid`);
      assert.deepEqual(n.metadata.labels, o.metadata.labels);
      assert.deepEqual(n.metadata.ownerReferences, o.metadata.ownerReferences);
      assert.deepEqual(n.spec, o.spec, `${k} ${key(o)} spec`);
      if (k === "configmaps" || k === "secrets" || k === "services") {
        assert.equal(n.metadata.resourceVersion, o.metadata.resourceVersion, `${k} ${key(o)} keeps its resourceVersion`);
        assert.deepEqual(n.data, o.data);
      }
    }
  }
  // Restored Secrets are encrypted at rest like any other: their value is nowhere in the state files.
  const grep = spawnSync("grep", ["-r", "-l", "-a", "-e", "hunter2", "-e", Buffer.from("hunter2").toString("base64"), join(fresh.home, "state")], { encoding: "utf8" });
  assert.equal(grep.stdout, "", `plaintext found in ${grep.stdout}`);
  // The restored cluster works: it reconciles and accepts writes after the restored versions.
  await fresh.kubectl(["scale", "deployment", "web", "-n", "shop", "--replicas=4"]);
  await eventually(async () => (await fresh.kubectl(["get", "pods", "-n", "shop", "-l", "app=web", "-o", "name"])).stdout.trim().split("\n").length === 4, 20_000, "scaled after restore");
  const cm = JSON.parse((await fresh.kubectl(["get", "cm", "settings", "-n", "shop", "-o", "json"])).stdout);
  await fresh.kubectl(["label", "cm", "settings", "-n", "shop", "touched=yes"]);
  const cm2 = JSON.parse((await fresh.kubectl(["get", "cm", "settings", "-n", "shop", "-o", "json"])).stdout);
  assert.ok(BigInt(cm2.metadata.resourceVersion) > BigInt(cm.metadata.resourceVersion), "new writes go past the restored versions");
});
