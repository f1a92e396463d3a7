/**
 * A small Kubernetes REST client for the Node-side programs (fake nodes, the
 * agent, the edgeplane CLI): reads a kubeconfig (server, bearer token, CA),
 * sends JSON with undici, and streams watch events line by line.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { Agent, request } from "undici";

export interface Connection {
  server: string;
  token: string;
  ca?: string;
}

export function loadKubeconfig(path: string): Connection {
  const cfg = parse(readFileSync(path, "utf8")) as {
    "current-context"?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
    users?: { name: string; user: { token?: string } }[];
  };
  const ctx = cfg.contexts?.find((c) => c.name === cfg["current-context"])?.context ?? cfg.contexts?.[0]?.context;
  const cluster = cfg.clusters?.find((c) => c.name === ctx?.cluster)?.cluster ?? cfg.clusters?.[0]?.cluster;
  const user = cfg.users?.find((u) => u.name === ctx?.user)?.user ?? cfg.users?.[0]?.user;
  if (!cluster?.server || !user?.token) throw new Error(`${path}: no server or token in the current context`);
  const caData = cluster["certificate-authority-data"];
  return { server: cluster.server, token: user.token, ca: caData ? Buffer.from(caData, "base64").toString("utf8") : undefined };
}

export class KubeError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export class KubeClient {
  private agent: Agent;

  constructor(
    readonly conn: Connection,
    connections = 32,
  ) {
    this.agent = new Agent({ connections, connect: conn.ca ? { ca: conn.ca } : undefined, keepAliveTimeout: 30_000 });
  }

  async call<T = unknown>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const r = await request(this.conn.server + path, {
      method,
      dispatcher: this.agent,
      headers: { authorization: `Bearer ${this.conn.token}`, accept: "application/json", ...(body !== undefined ? { "content-type": contentType } : {}) },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await r.body.text();
    if (r.statusCode >= 400) {
      let msg = text;
      try {
        msg = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* not a Status */
      }
      throw new KubeError(r.statusCode, `${method} ${path}: ${r.statusCode} ${msg}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T = unknown>(path: string) {
    return this.call<T>("GET", path);
  }
  post<T = unknown>(path: string, body: unknown) {
    return this.call<T>("POST", path, body);
  }
  mergePatch<T = unknown>(path: string, body: unknown) {
    return this.call<T>("PATCH", path, body, "application/merge-patch+json");
  }
  delete<T = unknown>(path: string, body?: unknown) {
    return this.call<T>("DELETE", path, body);
  }

  /**
   * Watch a path (list first for the version, then stream); calls onEvent for
   * every event and resumes from the last version seen after a disconnect.
   * Returns a stop function.
   */
  watch(path: string, onEvent: (type: string, obj: { metadata: { resourceVersion?: string } } & Record<string, unknown>) => void, onError?: (e: unknown) => void): () => void {
    let stopped = false;
    let rv: string | undefined;
    const ac = new AbortController();
    const sep = path.includes("?") ? "&" : "?";
    const loop = async () => {
      while (!stopped) {
        try {
          if (rv === undefined) {
            const list = await this.get<{ metadata: { resourceVersion: string }; items: ({ metadata: { resourceVersion?: string } } & Record<string, unknown>)[] }>(path);
            for (const item of list.items) onEvent("ADDED", item);
            rv = list.metadata.resourceVersion;
          }
          const r = await request(`${this.conn.server}${path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, {
            dispatcher: this.agent,
            signal: ac.signal,
            headers: { authorization: `Bearer ${this.conn.token}`, accept: "application/json" },
          });
          if (r.statusCode >= 400) throw new KubeError(r.statusCode, await r.body.text());
          let buf = "";
          for await (const chunk of r.body) {
            buf += chunk.toString();
            let i: number;
            while ((i = buf.indexOf("\n")) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (!line) continue;
              const ev = JSON.parse(line) as { type: string; object: { metadata: { resourceVersion?: string } } & Record<string, unknown> };
              if (ev.type === "ERROR") {
                // 410 Gone: start again from a fresh list.
                rv = undefined;
                break;
              }
              if (ev.object.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion;
              if (ev.type !== "BOOKMARK") onEvent(ev.type, ev.object);
            }
          }
        } catch (e) {
          if (stopped) return;
          onError?.(e);
          await new Promise((res) => setTimeout(res, 1000));
        }
      }
    };
    void loop();
    return () => {
      stopped = true;
      ac.abort();
    };
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}
