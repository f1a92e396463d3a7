// Runs every test: the type check, colocated unit tests (src/**, agent/**, bench/**) and
// the end-to-end suites under test/, with node's own test runner through tsx.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function find(dir, out = []) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const e of entries) {
    if (e === "node_modules" || e.startsWith(".")) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) find(p, out);
    else if (/\.test\.ts$/.test(e)) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
// The whole suite starts with the type check (package.json's "typecheck": strict, no unused names), which tsx skips.
if (!only.length) {
  const t = spawnSync("npm", ["run", "--silent", "typecheck"], { stdio: "inherit" });
  if (t.status !== 0) process.exit(t.status ?? 1);
}
const files = only.length ? only : [...find("src"), ...find("agent/src"), ...find("bench"), ...find("test")];
if (!only.length || only.some((f) => f.startsWith("test"))) {
  const b = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
