/**
 * A small Kubernetes REST client for the Node-side programs (fake nodes, the
 * agent, the edgeplane CLI): sends JSON with a bearer token over node:https
 * (keep-alive, the cluster's CA) and streams watch events line by line. Only
 * node built-ins: the agent's memory budget has no room for undici.
 */
import * as http from "node:http";
import * as https from "node:https";

export interface Connection {
  server: string;
  token: string;
  ca?: string;
}

export class KubeError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The message of an error body: a metav1.Status's, else the text itself. */
export function statusMessage(text: string): string {
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text;
  }
}

type Obj = { metadata: { resourceVersion?: string } } & Record<string, unknown>;

export class KubeClient {
  private agent: http.Agent;
  private base: URL;

  constructor(
    readonly conn: Connection,
    connections = 32,
  ) {
    this.base = new URL(conn.server);
    const opts = { keepAlive: true, maxSockets: connections, ...(conn.ca ? { ca: conn.ca } : {}) };
    this.agent = this.base.protocol === "https:" ? new https.Agent(opts) : new http.Agent(opts);
  }

  /**
   * One request; resolves with the response (body unread) or rejects on a
   * network error. A kept-alive connection the server closed just as it was
   * reused fails before any answer: the request was never handled, so it is
   * sent again on a fresh one (as Go's http.Transport, under client-go, does).
   */
  private send(method: string, path: string, body: string | undefined, headers: Record<string, string>, signal?: AbortSignal, retried = false): Promise<http.IncomingMessage> {
    const mod = this.base.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(
        new URL(path, this.base),
        { method, agent: this.agent, signal, headers: { authorization: `Bearer ${this.conn.token}`, accept: "application/json", ...headers, ...(body !== undefined ? { "content-length": Buffer.byteLength(body) } : {}) } },
        resolve,
      );
      req.on("error", (e: NodeJS.ErrnoException) => {
        const closedUnderUs = req.reusedSocket && !retried && (e.code === "ECONNRESET" || e.message === "socket hang up");
        if (closedUnderUs) this.send(method, path, body, headers, signal, true).then(resolve, reject);
        else reject(e);
      });
      req.end(body);
    });
  }

  async call<T = unknown>(method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown, contentType = "application/json"): Promise<T> {
    const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
    const r = await this.send(method, path, payload, payload !== undefined ? { "content-type": contentType } : {});
    const chunks: Buffer[] = [];
    for await (const c of r) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const code = r.statusCode ?? 0;
    if (code >= 400) {
      throw new KubeError(code, `${method} ${path}: ${code} ${statusMessage(text)}`);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T = unknown>(path: string) {
    return this.call<T>("GET", path);
  }
  post<T = unknown>(path: string, body: unknown) {
    return this.call<T>("POST", path, body);
  }
  put<T = unknown>(path: string, body: unknown) {
    return this.call<T>("PUT", path, body);
  }
  mergePatch<T = unknown>(path: string, body: unknown) {
    return this.call<T>("PATCH", path, body, "application/merge-patch+json");
  }
  strategicPatch<T = unknown>(path: string, body: unknown) {
    return this.call<T>("PATCH", path, body, "application/strategic-merge-patch+json");
  }
  delete<T = unknown>(path: string, body?: unknown) {
    return this.call<T>("DELETE", path, body);
  }

  /**
   * Watch a path (list first for the version, then stream); calls onEvent for
   * every event and resumes from the last version seen after a disconnect.
   * After a 410 Gone it lists again and calls onSync with the names listed, so
   * the caller can drop what vanished meanwhile. Returns a stop function.
   */
  watch(path: string, onEvent: (type: string, obj: Obj) => void, onError?: (e: unknown) => void, onSync?: (items: Obj[]) => void): () => void {
    let stopped = false;
    let rv: string | undefined;
    const ac = new AbortController();
    const sep = path.includes("?") ? "&" : "?";
    const loop = async () => {
      while (!stopped) {
        try {
          if (rv === undefined) {
            const list = await this.get<{ metadata: { resourceVersion: string }; items: Obj[] }>(path);
            onSync?.(list.items);
            for (const item of list.items) onEvent("ADDED", item);
            rv = list.metadata.resourceVersion;
          }
          const r = await this.send("GET", `${path}${sep}watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`, undefined, {}, ac.signal);
          if ((r.statusCode ?? 0) >= 400) {
            const chunks: Buffer[] = [];
            for await (const c of r) chunks.push(c as Buffer);
            if (r.statusCode === 410) rv = undefined;
            throw new KubeError(r.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"));
          }
          let buf = "";
          stream: for await (const chunk of r) {
            buf += chunk.toString();
            let i: number;
            while ((i = buf.indexOf("\n")) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (!line) continue;
              const ev = JSON.parse(line) as { type: string; object: Obj };
              if (ev.type === "ERROR") {
                // 410 Gone: start again from a fresh list.
                rv = undefined;
                break stream;
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

  async close(): Promise<void> {
    this.agent.destroy();
  }
}
