// Bundles the Worker (src/index.ts) to dist/worker.js with esbuild, the way
// wrangler would, so `npm start` and the tests can hand it to Miniflare.
import { build } from "esbuild";
import { statSync } from "node:fs";
import { buildDashboard } from "../dashboard/build.mjs";

const started = Date.now();
// The dashboard page first: the Worker embeds dist/dashboard.html.
const dash = await buildDashboard();
if (!process.env.QUIET) console.log(`built dist/dashboard.html (${(dash.bytes / 1024).toFixed(1)} KiB, ${(dash.gzip / 1024).toFixed(1)} KiB gzipped)`);
await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/worker.js",
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*"],
  loader: { ".sql": "text", ".html": "text" },
  sourcemap: "linked",
  logLevel: "warning",
});
const size = statSync("dist/worker.js").size;
if (!process.env.QUIET) console.log(`built dist/worker.js (${(size / 1024).toFixed(0)} KiB) in ${Date.now() - started} ms`);

// The node agent as one file for plain `node dist/agent.mjs` (no tsx in memory):
// what a host installs, and what the agent's memory benchmark measures.
await build({
  entryPoints: ["agent/src/main.ts"],
  outfile: "dist/agent.mjs",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // ws's optional native helpers stay optional.
  external: ["bufferutil", "utf-8-validate"],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
});
