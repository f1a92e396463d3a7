/**
 * Headless Chromium for the dashboard tests, driven by playwright-core
 * (Debian's chromium, no browser download). Chromium drops every open
 * connection with ERR_NETWORK_CHANGED whenever any network interface on the
 * host appears or goes — which container runtimes do all the time (a veth
 * per container). So where it can, the browser runs in a network namespace
 * of its own, holding only loopback, and reaches the control plane's port
 * through a Unix socket (filesystem sockets cross network namespaces): the
 * host's interface churn is then invisible to it.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Why the browser tests cannot run here (no Chromium, no playwright-core), or false. */
export async function browserUnavailable(): Promise<string | false> {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  try {
    await import("playwright-core");
    return false;
  } catch {
    return "playwright-core is not installed (npm install)";
  }
}

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface Browser {
  context: BrowserContext;
  /** Whether Chromium is isolated in its own network namespace. */
  isolated: boolean;
  close(): Promise<void>;
}

/** The in-namespace half: listen on 127.0.0.1:PORT, pipe each connection to the Unix socket; exit with the browser. */
const FORWARDER = `
const net = require("node:net");
const [port, sock, watchPid] = process.argv.slice(2);
net.createServer((c) => { const u = net.createConnection(sock); c.pipe(u).pipe(c); c.on("error", () => u.destroy()); u.on("error", () => c.destroy()); }).listen(+port, "127.0.0.1");
setInterval(() => { try { process.kill(+watchPid, 0); } catch { process.exit(0); } }, 1000);
`;

function canUnshare(): boolean {
  return process.env.EDGEPLANE_BROWSER_NETNS !== "0" && spawnSync("unshare", ["--net", "sh", "-c", "ip link set lo up"]).status === 0;
}

/** Launch Chromium able to reach `port` on 127.0.0.1 (the control plane); a fresh profile each time. */
export async function launchBrowser(port: number): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-chromium-"));
  const profile = join(dir, "profile");
  let server: Server | undefined;
  let executablePath = CHROMIUM;
  const isolated = canUnshare();
  if (isolated) {
    const sock = join(dir, "cp.sock");
    server = createServer((c) => {
      const t = createConnection(port, "127.0.0.1");
      c.pipe(t).pipe(c);
      c.on("error", () => t.destroy());
      t.on("error", () => c.destroy());
    });
    await new Promise<void>((r) => server!.listen(sock, r));
    writeFileSync(join(dir, "fwd.cjs"), FORWARDER);
    // Playwright talks to Chromium over inherited pipes, which survive unshare and exec.
    executablePath = join(dir, "chromium-netns.sh");
    writeFileSync(
      executablePath,
      `#!/bin/sh\nexec unshare --net -- sh -c 'ip link set lo up; "${process.execPath}" "${dir}/fwd.cjs" ${port} "${sock}" $$ & exec "${CHROMIUM}" "$@"' sh "$@"\n`,
    );
    chmodSync(executablePath, 0o755);
  }
  const { chromium } = await import("playwright-core");
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, ignoreHTTPSErrors: true, args: ARGS });
  return {
    context,
    isolated,
    async close() {
      await context.close().catch(() => {});
      server?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
