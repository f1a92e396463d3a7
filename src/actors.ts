/**
 * Durable Object stubs, taken in one place, and where each object runs.
 *
 * On Cloudflare every object is its own isolate, so the controller manager
 * and the stores never share a thread. workerd runs one thread per process:
 * locally (src/cli/local.ts) the controller manager runs in a second workerd
 * process, reached through workerd's debug port (the PEER binding), so the
 * control loops and the stores use two cores as they would use two machines.
 * Each class is hosted by exactly one process, and an object is only ever
 * opened there: two processes never open one SQLite file.
 *
 * Ids are kept per isolate (idFromName hashes the name; a controller manager
 * writing pods paid it on every write). A stub to the peer process is an I/O
 * object: a Durable Object keeps its own (its I/O context lives as long as
 * it does; keepingStubs), a stateless request makes one per call.
 */
import type { Env } from "./env.js";

/** workerd's debug-port binding (workerd.capnp: workerdDebugPort). */
interface DebugPort {
  connect(address: string): { getActor(service: string, className: string, actorId: string): unknown };
}

/** The Worker's service name in the local workerd config (src/cli/workerd.ts). */
const SERVICE = "main";
const MAX_KEPT_IDS = 10_000;
/** By class name, then object name (a binding object need not be the same from one request to the next). */
const ids = new Map<string, Map<string, DurableObjectId>>();
const STUBS = Symbol("stubs");
type Keeping = Env & { [STUBS]?: Map<string, unknown> };

function idOf(ns: DurableObjectNamespace<never>, className: string, name: string): DurableObjectId {
  let kept = ids.get(className);
  if (!kept) ids.set(className, (kept = new Map()));
  let id = kept.get(name);
  if (!id) {
    if (kept.size >= MAX_KEPT_IDS) kept.clear();
    kept.set(name, (id = ns.idFromName(name)));
  }
  return id;
}

/** Whether the peer process hosts this class (never true on Cloudflare: there is no PEER). */
const onPeer = (env: Env, className: string): boolean => !!env.PEER && !!env.PEER_ADDRESS && (env.PEER_CLASSES ?? "").split(",").includes(className);

/** The env a Durable Object passes to super(): stubs to the peer process taken through it are kept. */
export function keepingStubs(env: Env): Env {
  return Object.assign(Object.create(env) as Env, { [STUBS]: new Map<string, unknown>() });
}

/** Called first in a Durable Object's constructor: an object of a class the peer process hosts is never opened here. */
export function assertHostedHere(env: Env, className: string): void {
  if (onPeer(env, className)) throw new Error(`${className} runs in the other workerd process; this one must not open it`);
}

/** The stub of the object `name` of class `className` (bound as `ns`), wherever it runs. */
export function actorStub<T extends Rpc.DurableObjectBranded | undefined>(env: Env, ns: DurableObjectNamespace<T>, className: string, name: string): DurableObjectStub<T> {
  const id = idOf(ns as unknown as DurableObjectNamespace<never>, className, name);
  if (!onPeer(env, className)) return ns.get(id);
  const kept = (env as Keeping)[STUBS];
  const key = `${className}/${name}`;
  const hit = kept?.get(key);
  if (hit) return hit as DurableObjectStub<T>;
  const stub = (env.PEER as DebugPort).connect(env.PEER_ADDRESS!).getActor(SERVICE, className, id.toString()) as DurableObjectStub<T>;
  if (!kept) return stub;
  const wrapped = dropWhenBroken(stub, () => kept.delete(key));
  kept.set(key, wrapped);
  return wrapped;
}

/** A kept stub is made again after a call through it fails other than by the callee's own error (`remote`, as Workers RPC marks those). */
function dropWhenBroken<T extends object>(stub: T, drop: () => void): T {
  return new Proxy(stub, {
    get(target, prop) {
      const v = Reflect.get(target, prop) as unknown;
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        // Reflect.apply: an RPC method's own .apply would be a pipelined call of a remote method named "apply".
        const r = Reflect.apply(v as (...a: unknown[]) => unknown, target, args);
        if (r && typeof (r as PromiseLike<unknown>).then === "function") {
          const broken = (e: unknown) => !(e instanceof Error && "remote" in e && e.remote);
          (r as PromiseLike<unknown>).then(
            () => {},
            (e: unknown) => (broken(e) ? drop() : undefined),
          );
        }
        return r;
      };
    },
  });
}
