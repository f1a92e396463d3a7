import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startWorkerd, workerdConfig, type WorkerdOptions } from "./workerd.js";
import { COMPATIBILITY_DATE } from "./local.js";

// A Worker with a SQLite Durable Object: GET / reads a counter, the scheduled handler bumps it.
const SCRIPT = `
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  constructor(ctx, env) { super(ctx, env); ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS c (n INTEGER)"); }
  bump(cron) { this.ctx.storage.sql.exec("INSERT INTO c (n) VALUES (1)"); this.ctx.storage.kv.put("cron", cron); }
  count() { return { n: this.ctx.storage.sql.exec("SELECT count(*) AS n FROM c").one().n, cron: this.ctx.storage.kv.get("cron") ?? "" }; }
}
const counter = (env) => env.COUNTER.get(env.COUNTER.idFromName("one"));
export default {
  async fetch(req, env) { return Response.json({ ...(await counter(env).count()), greeting: env.GREETING }); },
  async scheduled(ev, env) { await counter(env).bump(ev.cron); },
};`;

function options(dir: string, port = 0): WorkerdOptions {
  return {
    script: join(dir, "worker.mjs"),
    state: join(dir, "state"),
    configFile: join(dir, "workerd.capnp"),
    host: "127.0.0.1",
    port,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [],
    durableObjects: { COUNTER: "Counter" },
    bindings: { GREETING: 'say "hi"\nback\\slash' },
  };
}

test("the config escapes text bindings and keeps Miniflare's Durable Object layout", () => {
  const cfg = workerdConfig(options("/x"), "s3cret");
  assert.match(cfg, /\(name = "GREETING", text = "say \\"hi\\"\\nback\\\\slash"\)/);
  assert.match(cfg, /\(className = "Counter", uniqueKey = "-Counter", enableSql = true\)/);
  assert.match(cfg, /esModule = embed "worker.mjs"/);
  assert.match(cfg, /http = \(\)/);
  assert.throws(() => workerdConfig({ ...options("/x"), bindings: { BAD: "\u0001" } }, "s"), /unsupported character/);
  // No state dir: objects in memory, no disk service; a peer process's binding and no sockets of its own.
  const back = workerdConfig({ ...options("/x"), state: undefined, serve: false, peer: true }, "s");
  assert.match(back, /durableObjectStorage = \(inMemory = void\)/);
  assert.doesNotMatch(back, /disk = /);
  assert.match(back, /\(name = "PEER", workerdDebugPort = void\)/);
  assert.match(back, /sockets = \[\]/);
});

test("workerd serves the Worker, runs its scheduled handler on demand, and keeps Durable Object state across restarts", async () => {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-workerd-"));
  try {
    writeFileSync(join(dir, "worker.mjs"), SCRIPT);
    mkdirSync(join(dir, "state"));
    let w = await startWorkerd(options(dir));
    try {
      const r0 = (await (await fetch(`http://127.0.0.1:${w.port}/`)).json()) as { n: number; greeting: string };
      assert.deepEqual(r0, { n: 0, cron: "", greeting: 'say "hi"\nback\\slash' });
      await w.scheduled("*/5 * * * *");
      await w.scheduled("*/5 * * * *");
      assert.deepEqual(await (await fetch(`http://127.0.0.1:${w.port}/`)).json(), { n: 2, cron: "*/5 * * * *", greeting: 'say "hi"\nback\\slash' });
    } finally {
      await w.stop();
    }
    // Miniflare's layout: <state>/-<Class>/<id>.sqlite.
    assert.ok(existsSync(join(dir, "state", "-Counter")));
    assert.ok(readdirSync(join(dir, "state", "-Counter")).some((f) => /^[0-9a-f]{64}\.sqlite$/.test(f)));
    w = await startWorkerd(options(dir));
    try {
      assert.equal(((await (await fetch(`http://127.0.0.1:${w.port}/`)).json()) as { n: number }).n, 2);
      // A taken port is an error that says so, not a hang.
      await assert.rejects(startWorkerd({ ...options(dir), port: w.port }), /address already in use/i);
    } finally {
      await w.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("two workerd processes: one reaches the other's Durable Objects over its debug port (a Unix socket), with RPC", async () => {
  const dir = mkdtempSync(join(tmpdir(), "edgeplane-workerd-"));
  try {
    writeFileSync(join(dir, "worker.mjs"), SCRIPT);
    // The serving process's Worker: its counter is the peer's object, called by RPC (as src/actors.ts does).
    writeFileSync(
      join(dir, "front.mjs"),
      `${SCRIPT.replace("export default", "const unused =")}
export default {
  async fetch(req, env) {
    const id = env.COUNTER.idFromName("one").toString();
    const remote = env.PEER.connect(env.PEER_ADDRESS).getActor("main", "Counter", id);
    if (req.method === "POST") await remote.bump("rpc");
    return Response.json(await remote.count());
  },
};`,
    );
    mkdirSync(join(dir, "state"));
    mkdirSync(join(dir, "front-state"));
    const sock = `unix:${join(dir, "back.sock")}`;
    const back = await startWorkerd({ ...options(dir), configFile: join(dir, "back.capnp"), serve: false, debugPort: sock });
    try {
      assert.equal(back.port, 0, "serves no socket of its own");
      await assert.rejects(back.scheduled("* * * * *"), /no cron socket/);
      const front = await startWorkerd({ ...options(dir), script: join(dir, "front.mjs"), configFile: join(dir, "front.capnp"), state: join(dir, "front-state"), peer: true, bindings: { PEER_ADDRESS: sock } });
      try {
        assert.deepEqual(await (await fetch(`http://127.0.0.1:${front.port}/`, { method: "POST" })).json(), { n: 1, cron: "rpc" });
        assert.deepEqual(await (await fetch(`http://127.0.0.1:${front.port}/`, { method: "POST" })).json(), { n: 2, cron: "rpc" });
      } finally {
        await front.stop();
      }
    } finally {
      await back.stop();
    }
    // The object lives in the back process's state only.
    assert.ok(readdirSync(join(dir, "state", "-Counter")).some((f) => f.endsWith(".sqlite")));
    const front = join(dir, "front-state", "-Counter");
    assert.ok(!existsSync(front) || !readdirSync(front).some((f) => /^[0-9a-f]{64}\.sqlite$/.test(f)), "the serving process opened no object of its own");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
