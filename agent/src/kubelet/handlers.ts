/**
 * The kubelet's streaming API (what `kubectl logs | exec | attach |
 * port-forward` reach through the node tunnel), over the runtime: find the
 * pod and container the way the kubelet does — the only container, the
 * kubectl.kubernetes.io/default-container, or the one named — and answer
 * with Kubernetes' own error messages when that fails.
 */
import * as net from "node:net";
import * as tls from "node:tls";
import type { Pod } from "kubernetes-types/core/v1";
import type { Runtime, ContainerInfo } from "../runtime/types.js";
import { NodeStatusError, type Duplex, type NodeHandlers } from "../tunnel/types.js";
import type { Observed } from "./pod-state.js";

export interface PodLookup {
  lookup(namespace: string, name: string): { pod: Pod; observed: Observed } | undefined;
}

function pickContainer(pod: Pod, requested: string | undefined): string {
  const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
  const podName = pod.metadata?.name;
  if (requested) {
    if (!names.includes(requested)) throw new NodeStatusError(400, "BadRequest", `container ${requested} is not valid for pod ${podName}`);
    return requested;
  }
  const app = (pod.spec?.containers ?? []).map((c) => c.name);
  if (app.length === 1) return app[0];
  const def = pod.metadata?.annotations?.["kubectl.kubernetes.io/default-container"];
  if (def && app.includes(def)) return def;
  throw new NodeStatusError(400, "BadRequest", `a container name must be specified for pod ${podName}, choose one of: [${app.join(" ")}]`);
}

export function nodeHandlers(kubelet: PodLookup, runtime: Runtime): NodeHandlers {
  const find = (namespace: string, name: string) => {
    const f = kubelet.lookup(namespace, name);
    if (!f) throw new NodeStatusError(404, "NotFound", `pod "${name}" not found on this node`);
    return f;
  };
  const running = (namespace: string, pod: string, container: string | undefined): ContainerInfo => {
    const f = find(namespace, pod);
    const name = pickContainer(f.pod, container);
    const cur = f.observed.containers.get(name)?.[0];
    if (!cur || cur.state !== "running") throw new NodeStatusError(400, "BadRequest", `container ${name} is not running in pod ${pod}`);
    return cur;
  };
  return {
    async logs(req, signal) {
      const f = find(req.namespace, req.pod);
      const name = pickContainer(f.pod, req.container);
      const list = f.observed.containers.get(name) ?? [];
      const c = req.previous ? list[1] : list[0];
      if (!c) {
        if (req.previous) throw new NodeStatusError(400, "BadRequest", `previous terminated container "${name}" in pod "${req.pod}" not found`);
        throw new NodeStatusError(400, "BadRequest", `container "${name}" in pod "${req.pod}" is waiting to start: ContainerCreating`);
      }
      const since = req.sinceTime ? Math.floor(Date.parse(req.sinceTime) / 1000) : req.sinceSeconds ? Math.floor(Date.now() / 1000) - req.sinceSeconds : undefined;
      const stream = runtime.logs(c.id, { follow: req.follow && !req.previous, tail: req.tailLines, since, timestamps: req.timestamps }, signal);
      if (req.limitBytes === undefined) return stream;
      const limit = req.limitBytes;
      return (async function* () {
        let left = limit;
        for await (const chunk of stream) {
          if (left <= 0) return;
          const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
          left -= part.length;
          yield part;
        }
      })();
    },
    async exec(req) {
      const c = running(req.namespace, req.pod, req.container);
      try {
        return await runtime.exec(c.id, { cmd: req.command, tty: req.tty, stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
      } catch (e) {
        // The container stopped since it was last observed (a terminating pod): say so, not the engine's wording.
        if (/running containers|not running|state improper/i.test((e as Error).message)) throw new NodeStatusError(400, "BadRequest", `container ${req.container} is not running in pod ${req.pod}`);
        throw e;
      }
    },
    async attach(req) {
      const c = running(req.namespace, req.pod, req.container);
      return runtime.attach(c.id, { stdin: req.stdin, stdout: req.stdout, stderr: req.stderr });
    },
    async portForward(req) {
      const f = find(req.namespace, req.pod);
      const ip = f.observed.sandbox?.ip || f.pod.status?.podIP;
      if (!ip) throw new NodeStatusError(400, "BadRequest", `pod ${req.pod} has no IP yet`);
      const t = req.tls;
      const sock = t ? tls.connect({ host: ip, port: req.port, ...(t.serverName ? { servername: t.serverName } : {}), ...(t.ca ? { ca: t.ca } : {}), rejectUnauthorized: !t.insecure }) : net.connect({ host: ip, port: req.port });
      await new Promise<void>((resolve, reject) => {
        sock.once(req.tls ? "secureConnect" : "connect", resolve);
        sock.once("error", (e) => reject(new NodeStatusError(500, "InternalError", `failed to connect to port ${req.port} of pod ${req.pod}: ${e.message}`)));
      });
      const d: Duplex = {
        write: (data) => void sock.write(data),
        end: () => sock.end(),
        onData: (fn) => void sock.on("data", (b: Buffer) => fn(new Uint8Array(b.buffer, b.byteOffset, b.length))),
        onEnd: (fn) => {
          sock.once("close", fn);
        },
      };
      sock.on("error", () => sock.destroy());
      return d;
    },
  };
}
