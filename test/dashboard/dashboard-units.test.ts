/**
 * The dashboard's browser-independent parts, in Node (its line reader is
 * src/apimachinery/lines.ts, tested there): the informer's resume/relist behaviour against a
 * scripted server (a dropped watch resumes from the last resourceVersion;
 * 410 Gone relists), the YAML emitter (checked by parsing its output back),
 * quantities, and the manifest header reader of "Apply YAML".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parse } from "yaml";
import { Informer, type KObj } from "../../dashboard/informer.js";
import { toYaml } from "../../dashboard/yaml.js";
import { parseQuantity } from "../../dashboard/quantity.js";
import { manifestHead } from "../../dashboard/manifest.js";

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(typeof ch === "string" ? enc.encode(ch) : ch);
      c.close();
    },
  });
}

const cm = (name: string, rv: string): KObj => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", resourceVersion: rv } });
const ev = (type: string, object: unknown) => JSON.stringify({ type, object }) + "\n";

test("informer: lists, watches from the list's resourceVersion, resumes a dropped watch from the last one seen, relists on 410 Gone", async () => {
  const requests: string[] = [];
  const script: (() => Response)[] = [
    () => Response.json({ metadata: { resourceVersion: "10" }, items: [cm("a", "5")] }),
    () => new Response(streamOf([ev("ADDED", cm("b", "11")), ev("MODIFIED", cm("a", "12"))])), // then the connection drops
    () => new Response(streamOf([ev("DELETED", cm("b", "13")), ev("ERROR", { kind: "Status", code: 410, reason: "Expired", message: "too old resource version" })])),
    () => Response.json({ metadata: { resourceVersion: "20" }, items: [cm("a", "12"), cm("c", "19")] }),
  ];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const inf = new Informer("/api/v1/configmaps", async (path) => {
    requests.push(path);
    const next = script.shift();
    if (!next) {
      done();
      return new Promise<Response>(() => {}); // the last watch stays open
    }
    return next();
  }, { sleep: async () => {} });
  inf.start();
  await finished;
  inf.stop();
  assert.deepEqual(requests, [
    "/api/v1/configmaps?limit=500",
    "/api/v1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=10",
    "/api/v1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=12",
    "/api/v1/configmaps?limit=500",
    "/api/v1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=20",
  ]);
  assert.deepEqual([...inf.items.keys()].sort(), ["default/a", "default/c"]);
  assert.equal(inf.stats.relists, 1);
});

test("informer: a refused list surfaces the server's Status message and is retried", async () => {
  let calls = 0;
  const inf = new Informer("/api/v1/secrets", async () => {
    calls++;
    return calls === 1
      ? Response.json({ kind: "Status", code: 403, reason: "Forbidden", message: 'secrets is forbidden: User "viewer" cannot list resource "secrets"' }, { status: 403 })
      : new Promise<Response>(() => {});
  }, { sleep: async () => {} });
  let seen = "";
  inf.subscribe(() => (seen = inf.error?.message ?? seen));
  inf.start();
  await new Promise((r) => setTimeout(r, 20));
  inf.stop();
  assert.match(seen, /secrets is forbidden: User "viewer"/);
  assert.ok(calls >= 2, "retried");
});

test("toYaml emits YAML that parses back to the same object", () => {
  const obj = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", "app.kubernetes.io/part-of": "x" }, annotations: { "kubectl.kubernetes.io/restartedAt": "2026-01-01T00:00:00Z", note: "a: b #c", empty: "", yes: "yes", num: "1.25", script: "line1\nline2\n", tail: "no newline\nat end", spaced: "  lead" } },
    spec: { replicas: 3, paused: false, nothing: null, ports: [{ port: 80, name: "http" }, { port: 443 }], args: ["--a=1", "-b", "true", "100m", "0x1F"], nested: [[1, 2], []], empty: {} },
  };
  assert.deepEqual(parse(toYaml(obj)), obj);
  assert.match(toYaml(obj), /^ {2}replicas: 3$/m);
});

test("parseQuantity reads CPU and memory quantities", () => {
  assert.equal(parseQuantity("250m"), 0.25);
  assert.equal(parseQuantity("2"), 2);
  assert.equal(parseQuantity("1Gi"), 2 ** 30);
  assert.equal(parseQuantity("12345Ki"), 12345 * 1024);
  assert.equal(parseQuantity("1500000000n"), 1.5);
  assert.equal(parseQuantity("2e3"), 2000);
  assert.equal(parseQuantity("junk"), undefined);
});

test("manifestHead finds the object's coordinates in block YAML and JSON", () => {
  assert.deepEqual(manifestHead("# c\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    name: not-this\n  name: web\n  namespace: 'prod'\nspec: {}\n"), { apiVersion: "apps/v1", kind: "Deployment", name: "web", namespace: "prod" });
  assert.deepEqual(manifestHead('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}'), { apiVersion: "v1", kind: "ConfigMap", name: "x", namespace: undefined });
  assert.throws(() => manifestHead("kind: ConfigMap\n"), /apiVersion/);
});
