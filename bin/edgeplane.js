#!/usr/bin/env node
// `edgeplane`: up (what `npm start` runs), join (a node agent), and the operator commands in src/cli/edgeplane.ts.
import { register } from "tsx/esm/api";
import { fileURLToPath } from "node:url";
import { dirname, resolve } from "node:path";
register();
const [cmd, ...rest] = process.argv.slice(2);
if (cmd === "up") {
  // up.ts builds with scripts/ relative to the package root; state stays where the user is.
  process.env.EDGEPLANE_HOME ??= resolve(".edgeplane");
  process.argv = [process.argv[0], process.argv[1], ...rest];
  process.chdir(dirname(dirname(fileURLToPath(import.meta.url))));
  await import("../src/cli/up.ts");
} else if (cmd === "join") {
  process.argv = [process.argv[0], process.argv[1], ...rest];
  await import("../agent/src/main.ts");
} else {
  const { main } = await import("../src/cli/edgeplane.ts");
  await main(process.argv.slice(2));
}
