import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { loadKubeconfig, writeKubeconfig } from "./kubeconfig.js";
import { kubeconfigYaml } from "./local.js";

test("a restart's kubeconfig keeps the user's namespace, contexts and current context; server and token are new", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubeconfig-"));
  try {
    const path = join(dir, "kubeconfig");
    writeKubeconfig(path, kubeconfigYaml("https://127.0.0.1:8787", "t1", "CA1"));
    assert.deepEqual(loadKubeconfig(path), { server: "https://127.0.0.1:8787", token: "t1", ca: "CA1" });
    // What `kubectl config set-context --current --namespace=dev` and a second cluster do to the file.
    const cfg = parse(readFileSync(path, "utf8"));
    cfg.contexts[0].context.namespace = "dev";
    cfg.contexts.push({ name: "other", context: { cluster: "other", user: "other" } });
    cfg.clusters.push({ name: "other", cluster: { server: "https://other:6443" } });
    writeFileSync(path, stringify(cfg));
    writeKubeconfig(path, kubeconfigYaml("https://127.0.0.1:9999", "t2", "CA2"));
    const after = parse(readFileSync(path, "utf8"));
    assert.equal(after.contexts.find((c: { name: string }) => c.name === "edgeplane").context.namespace, "dev");
    assert.ok(after.contexts.some((c: { name: string }) => c.name === "other"));
    assert.ok(after.clusters.some((c: { name: string }) => c.name === "other"));
    assert.equal(after["current-context"], "edgeplane");
    assert.deepEqual(loadKubeconfig(path), { server: "https://127.0.0.1:9999", token: "t2", ca: "CA2" });
    writeFileSync(path, "{not yaml");
    writeKubeconfig(path, kubeconfigYaml("https://127.0.0.1:1", "t3", undefined));
    assert.equal(loadKubeconfig(path).token, "t3", "an unreadable file is replaced");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
