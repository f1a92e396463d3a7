/**
 * `edgeplane deploy`: put this control plane on Cloudflare with wrangler and
 * say what was done. It makes the secrets the Worker needs (an admin token,
 * generated once and kept under .edgeplane/deploy/), uploads them with
 * `wrangler secret put`, deploys, and writes a kubeconfig for the deployed
 * URL (Cloudflare's certificate is public, so no CA is embedded).
 * `--dry-run` builds the bundle and prints the plan without touching an account.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kubeconfigYaml, newAdminToken } from "./local.js";
import { writeKubeconfig } from "./kubeconfig.js";

export interface DeployOptions {
  home: string;
  dryRun: boolean;
  log: (m: string) => void;
}

const wrangler = (args: string[], input?: string) =>
  spawnSync("npx", ["wrangler", ...args], { encoding: "utf8", input, env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, timeout: 300_000 });

/** The secrets the Worker reads, made once and kept so a redeploy keeps existing kubeconfigs working. */
export function deploySecrets(home: string): Record<string, string> {
  const dir = join(home, "deploy");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "secrets.json");
  const secrets: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  secrets.ADMIN_TOKEN ??= newAdminToken();
  writeFileSync(file, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  return secrets;
}

export async function deploy(o: DeployOptions): Promise<{ url?: string; kubeconfig?: string }> {
  const secrets = deploySecrets(o.home);
  if (o.dryRun) {
    const out = join(o.home, "deploy", "dist");
    const r = wrangler(["deploy", "--dry-run", "--outdir", out]);
    if (r.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${r.stderr || r.stdout}`);
    o.log(`built the Worker into ${out} (wrangler deploy --dry-run)`);
    o.log(`would upload secrets: ${Object.keys(secrets).join(", ")} (kept in ${join(o.home, "deploy", "secrets.json")})`);
    o.log("would run: wrangler deploy, then write a kubeconfig for the deployed URL");
    return {};
  }
  const who = wrangler(["whoami"]);
  if (who.status !== 0 || /not authenticated/i.test(who.stdout + who.stderr)) throw new Error("wrangler is not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then `edgeplane deploy` again");
  for (const [name, value] of Object.entries(secrets)) {
    const r = wrangler(["secret", "put", name], value);
    if (r.status !== 0) throw new Error(`wrangler secret put ${name} failed:\n${r.stderr || r.stdout}`);
    o.log(`secret ${name} uploaded`);
  }
  const d = wrangler(["deploy"]);
  if (d.status !== 0) throw new Error(`wrangler deploy failed:\n${d.stderr || d.stdout}`);
  const url = /https:\/\/[^\s]+\.workers\.dev/.exec(d.stdout)?.[0];
  o.log(`deployed${url ? ` to ${url}` : ""} (Durable Objects: STORE, MANAGER, TUNNEL; cron resync every minute)`);
  if (!url) return {};
  const kubeconfig = join(o.home, "deploy", "kubeconfig");
  writeKubeconfig(kubeconfig, kubeconfigYaml(url, secrets.ADMIN_TOKEN, undefined, "edgeplane-cloud"));
  o.log(`kubeconfig written to ${kubeconfig} (edgeplane kubeconfig --merge --kubeconfig ${kubeconfig} --context edgeplane-cloud)`);
  return { url, kubeconfig };
}
