/**
 * `npm start` as a user runs it: it builds, serves, writes a kubeconfig that
 * kubectl uses as is, says whether a local agent runs, stops cleanly on
 * SIGTERM, and keeps the data for the next start.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kubectlBinary } from "../helpers/cluster.js";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function start(home: string, port: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/up.ts", "--no-agent"], { env: { ...process.env, EDGEPLANE_HOME: home, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!out.includes("Edgeplane is up")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const stopped = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, stopped };
}

test("npm start serves kubectl, stops on SIGTERM, and keeps its state", async () => {
  const home = mkdtempSync(join(tmpdir(), "edgeplane-start-"));
  const port = await freePort();
  const kubectl = (args: string[]) => spawnSync(kubectlBinary(), args, { encoding: "utf8", env: { ...process.env, KUBECONFIG: join(home, "kubeconfig"), HOME: home } });
  try {
    const first = await start(home, port);
    assert.match(first.output(), new RegExp(`https://127.0.0.1:${port}`));
    assert.match(first.output(), /export KUBECONFIG=/);
    assert.match(first.output(), /local agent: skipped \(--no-agent\)/);
    const created = kubectl(["create", "configmap", "kept", "--from-literal=a=b"]);
    assert.equal(created.status, 0, created.stderr);
    first.child.kill("SIGTERM");
    assert.equal(await first.stopped, 0, "a clean exit on SIGTERM");

    const second = await start(home, port);
    const got = kubectl(["get", "configmap", "kept", "-o", "jsonpath={.data.a}"]);
    assert.equal(got.status, 0, got.stderr);
    assert.equal(got.stdout, "b");
    second.child.kill("SIGINT");
    assert.equal(await second.stopped, 0, "a clean exit on Ctrl-C");
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
