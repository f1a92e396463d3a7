import { test } from "node:test";
import assert from "node:assert/strict";
import { actorStub, assertHostedHere, keepingStubs } from "./actors.js";
import type { Env } from "./env.js";

/** A namespace binding that counts idFromName calls (the SHA-256 the cache saves). */
function namespace() {
  const ns = {
    hashed: 0,
    idFromName(name: string) {
      ns.hashed++;
      return { toString: () => `id-of-${name}`, name };
    },
    get(id: { name: string }) {
      return { local: id.name };
    },
  };
  return ns;
}

/** The peer process as the debug-port binding shows it: a remote stub whose calls succeed or fail as told. */
function peer() {
  const p = {
    connects: 0,
    fail: undefined as Error | undefined,
    connect(address: string) {
      p.connects++;
      return {
        getActor: (service: string, className: string, id: string) => ({
          where: `${address} ${service} ${className} ${id}`,
          ping: async () => {
            if (p.fail) throw p.fail;
            return "pong";
          },
        }),
      };
    },
  };
  return p;
}

const env = (extra: Partial<Env> = {}) => ({ ...extra }) as Env;

test("ids are hashed once per name; without a peer every stub is local", () => {
  const ns = namespace();
  const e = env();
  for (let i = 0; i < 3; i++) assert.deepEqual(actorStub(e, ns as never, "ObjectStore", "ns:a"), { local: "ns:a" });
  actorStub(e, ns as never, "ObjectStore", "ns:b");
  assert.equal(ns.hashed, 2);
  assert.doesNotThrow(() => assertHostedHere(e, "ObjectStore"));
});

test("a class the peer hosts is reached through it; a Durable Object keeps its peer stubs, a request does not", async () => {
  const ns = namespace();
  const p = peer();
  const base = env({ PEER: p, PEER_ADDRESS: "unix:/x/api.sock", PEER_CLASSES: "ObjectStore,AuditLog" });
  assert.throws(() => assertHostedHere(base, "ObjectStore"), /runs in the other workerd process/);
  assert.doesNotThrow(() => assertHostedHere(base, "ControllerManager"));
  // The manager's own class stays local.
  assert.deepEqual(actorStub(base, ns as never, "ControllerManager", "controller-manager"), { local: "controller-manager" });

  // A stateless request: a new connection per stub.
  const s1 = actorStub(base, ns as never, "ObjectStore", "cluster") as unknown as { where: string };
  assert.equal(s1.where, "unix:/x/api.sock main ObjectStore id-of-cluster");
  actorStub(base, ns as never, "ObjectStore", "cluster");
  assert.equal(p.connects, 2);

  // A Durable Object's env: one connection per object, reused.
  const kept = keepingStubs(base);
  assert.equal(kept.PEER_ADDRESS, "unix:/x/api.sock", "the bindings show through");
  const a = actorStub(kept, ns as never, "ObjectStore", "cluster") as unknown as { ping(): Promise<string> };
  assert.equal(actorStub(kept, ns as never, "ObjectStore", "cluster"), a);
  assert.equal(await a.ping(), "pong");
  assert.equal(p.connects, 3);

  // The callee's own error (Workers RPC marks it remote) keeps the stub...
  p.fail = Object.assign(new Error("conflict"), { remote: true });
  await assert.rejects(a.ping(), /conflict/);
  assert.equal(actorStub(kept, ns as never, "ObjectStore", "cluster"), a);
  // ...a broken connection makes a new one on the next call.
  p.fail = new Error("Network connection lost.");
  await assert.rejects(a.ping(), /connection lost/);
  await new Promise((r) => setImmediate(r));
  p.fail = undefined;
  const b = actorStub(kept, ns as never, "ObjectStore", "cluster") as unknown as { ping(): Promise<string> };
  assert.notEqual(b, a);
  assert.equal(await b.ping(), "pong");
  assert.equal(p.connects, 4);
});
