/**
 * Joining with a bootstrap token: a node started with `--token <id>.<secret>`
 * trades it once at POST /edgeplane/v1/join for a credential of its own
 * (system:node:<name>), keeps that in its data dir (mode 0600) and uses it
 * from then on, also after restarts — the bootstrap token may expire or be
 * deleted once the node has joined, as with kubeadm's TLS bootstrapping.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { KubeClient } from "../../src/cli/kube-client.js";

/** Kubernetes' bootstrap token format (token-id.token-secret). */
export const isBootstrapToken = (t: string) => /^[a-z0-9]{6}\.[a-z0-9]{16}$/.test(t);

interface Saved {
  server: string;
  node: string;
  token: string;
  expirationTimestamp?: string;
}

/** Renew this long before the saved credential expires. */
const RENEW_BEFORE_MS = 24 * 3600 * 1000;

export async function nodeCredential(o: { server: string; token: string; ca?: string; node: string; dataDir: string; log?: (m: string) => void }): Promise<string> {
  const file = join(o.dataDir, "node-credential.json");
  if (existsSync(file)) {
    try {
      const s = JSON.parse(readFileSync(file, "utf8")) as Saved;
      const exp = s.expirationTimestamp ? Date.parse(s.expirationTimestamp) : Infinity;
      if (s.server === o.server && s.node === o.node && s.token && exp - Date.now() > RENEW_BEFORE_MS) return s.token;
    } catch {
      /* unreadable: join again */
    }
  }
  const client = new KubeClient({ server: o.server, token: o.token, ca: o.ca }, 1);
  try {
    const r = await client.post<{ token?: string; expirationTimestamp?: string }>("/edgeplane/v1/join", { nodeName: o.node });
    if (!r.token) throw new Error("the join endpoint returned no credential");
    mkdirSync(o.dataDir, { recursive: true });
    const saved: Saved = { server: o.server, node: o.node, token: r.token, expirationTimestamp: r.expirationTimestamp };
    writeFileSync(file, JSON.stringify(saved) + "\n", { mode: 0o600 });
    chmodSync(file, 0o600);
    o.log?.(`joined as system:node:${o.node}; credential kept in ${file}`);
    return r.token;
  } finally {
    await client.close();
  }
}
