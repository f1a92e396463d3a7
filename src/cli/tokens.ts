/**
 * Helpers to hand out credentials until `edgeplane token create` exists:
 * a user token (Secret type edgeplane.dev/user-token, only its hash stored)
 * or a bootstrap token for joining a node (Secret bootstrap-token-<id>).
 * Both are written to kube-system with the admin's kubeconfig; the token is
 * printed once and cannot be read back.
 *
 *   npx tsx src/cli/tokens.ts user --user jane [--group devs]... [--ttl SECONDS]
 *   npx tsx src/cli/tokens.ts bootstrap [--ttl SECONDS] [--group system:bootstrappers:x]...
 *
 * KUBECONFIG (default .edgeplane/kubeconfig) picks the cluster.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { KubeClient } from "./kube-client.js";
import { loadKubeconfig } from "./kubeconfig.js";
import { newUserToken } from "../auth/user-token.js";
import { newBootstrapToken } from "../auth/bootstrap-token.js";

const SECRETS = "/api/v1/namespaces/kube-system/secrets";

export async function createUserToken(client: KubeClient, opts: { username: string; groups?: string[]; ttlSeconds?: number }): Promise<string> {
  const { token, secret } = await newUserToken(opts);
  await client.post(SECRETS, secret);
  return token;
}

export async function createBootstrapToken(client: KubeClient, opts: { ttlSeconds?: number; extraGroups?: string[]; description?: string } = {}): Promise<string> {
  const { token, secret } = newBootstrapToken(opts);
  await client.post(SECRETS, secret);
  return token;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { user: { type: "string" }, group: { type: "string", multiple: true }, ttl: { type: "string" }, description: { type: "string" } },
  });
  const client = new KubeClient(loadKubeconfig(process.env.KUBECONFIG ?? ".edgeplane/kubeconfig"), 1);
  const ttlSeconds = values.ttl ? Number(values.ttl) : undefined;
  try {
    if (positionals[0] === "user" && values.user) console.log(await createUserToken(client, { username: values.user, groups: values.group, ttlSeconds }));
    else if (positionals[0] === "bootstrap") console.log(await createBootstrapToken(client, { ttlSeconds: ttlSeconds ?? 24 * 3600, extraGroups: values.group, description: values.description }));
    else {
      console.error("usage: tokens.ts user --user NAME [--group G]... [--ttl SECONDS] | bootstrap [--ttl SECONDS] [--group system:bootstrappers:X]...");
      process.exitCode = 2;
    }
  } finally {
    await client.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
