#!/usr/bin/env node
// `edgeplane up` (the local control plane, what `npm start` runs) and `edgeplane join` (a node agent).
import { register } from "tsx/esm/api";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
register();
const [cmd, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], process.argv[1], ...rest];
if (cmd === "up") {
  // up.ts builds with scripts/ relative to the package root; state stays where the user is.
  process.env.EDGEPLANE_HOME ??= resolve(".edgeplane");
  process.chdir(dirname(dirname(fileURLToPath(import.meta.url))));
  await import("../src/cli/up.ts");
} else if (cmd === "join") await import("../agent/src/main.ts");
else {
  console.error("usage: edgeplane up [--no-agent]\n       edgeplane join --server URL --token TOKEN [--name NODE] [--ca FILE]");
  process.exit(cmd === undefined || cmd === "help" || cmd === "--help" ? 0 : 2);
}
