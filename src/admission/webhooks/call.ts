/**
 * Reaching a webhook. A Service webhook (the usual kind: cert-manager,
 * operators) is called on a ready endpoint of its Service through that pod's
 * node tunnel, as pods/proxy is, with the agent doing the TLS (verifying the
 * server as <service>.<namespace>.svc against the caBundle): no node needs an
 * inbound port. A URL webhook is fetched by the Worker itself, so its
 * certificate must be publicly trusted (a Worker's fetch takes no CA).
 */
import type { Env } from "../../env.js";
import { fromBase64 } from "../../apimachinery/bytes.js";
import { deadline } from "../../apimachinery/deadline.js";
import { namespaceStore } from "../../store/object-store.js";
import { httpToPod, pickPodEndpoint, type ServiceShape } from "../../tunnel/pod-proxy.js";

export interface ClientConfig {
  url?: string;
  service?: { namespace?: string; name?: string; path?: string; port?: number };
  caBundle?: string;
}


/** POST the review; resolves to the parsed JSON answer, rejects with why the call failed. */
export async function post(env: Env, cc: ClientConfig, body: string, timeoutMs: number): Promise<unknown> {
  const d = deadline(timeoutMs, `context deadline exceeded (timeout ${timeoutMs / 1000}s)`);
  try {
    const res = await d.race(cc.service ? viaTunnel(env, cc, body) : viaFetch(cc, body));
    const text = await d.race(res.text());
    if (res.status < 200 || res.status > 299) throw new Error(`the server responded with the status code ${res.status}: ${text.slice(0, 200)}`);
    try {
      return JSON.parse(text);
    } catch {
      throw new Error("the webhook's answer is not JSON");
    }
  } finally {
    d.clear();
  }
}

async function viaFetch(cc: ClientConfig, body: string): Promise<Response> {
  try {
    return await fetch(cc.url!, { method: "POST", body, headers: { "content-type": "application/json", accept: "application/json" } });
  } catch (e) {
    throw new Error(`failed to call webhook: Post "${cc.url}": ${(e as Error).message}`);
  }
}

async function viaTunnel(env: Env, cc: ClientConfig, body: string): Promise<Response> {
  const ns = cc.service?.namespace ?? "";
  const name = cc.service?.name ?? "";
  const port = cc.service?.port ?? 443;
  const store = namespaceStore(env, ns);
  const svc = await store.get("services", ns, name);
  if (svc.code !== 200) throw new Error(`service "${name}" not found`);
  const sp = ((JSON.parse(svc.body) as ServiceShape).spec?.ports ?? []).find((p) => p.port === port);
  if (!sp) throw new Error(`service "${name}" has no port ${port}`);
  const target = await pickPodEndpoint(store, ns, name, sp);
  if (!target) throw new Error(`no endpoints available for service "${name}"`);
  const bytes = new TextEncoder().encode(body);
  const host = `${name}.${ns}.svc`;
  const ca = cc.caBundle ? new TextDecoder().decode(fromBase64(cc.caBundle)) : undefined;
  const proxy = { method: "POST", path: cc.service?.path || "/", headers: [["content-type", "application/json"], ["accept", "application/json"]] as [string, string][], host: `${host}:${port}`, bodyLength: bytes.byteLength };
  const res = await httpToPod(env, ns, target, proxy, bytes, { serverName: host, ...(ca ? { ca } : {}) });
  if (res.status === 503 && (res.headers.get("content-type") ?? "").includes("json")) {
    const status = (await res.json()) as { message?: string };
    throw new Error(`failed to call webhook: Post "https://${host}:${port}${cc.service?.path ?? "/"}": ${status.message ?? "service unavailable"}`);
  }
  return res;
}
