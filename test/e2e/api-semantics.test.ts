/**
 * API machinery semantics over HTTP against the Worker and its store Durable
 * Objects running in workerd: watch resume and 410 Gone (also across
 * namespaces), pagination, errors as metav1.Status, dry-run, field
 * validation, graceful and cascading deletion, namespace termination, the
 * cron trigger.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";

let c: TestCluster;
before(async () => {
  // No watch history beyond what the next compaction keeps, so 410 Gone is reachable.
  c = await startCluster({ bindings: { EVENT_RETENTION_SECONDS: "0", EVENT_KEEP_MIN: "0" } });
});
after(async () => c?.dispose());

const J = { "content-type": "application/json" };
/** Leaves out the kube-root-ca.crt ConfigMap every namespace gets (the root CA publisher). */
const NOT_ROOT_CA = "fieldSelector=metadata.name%21%3Dkube-root-ca.crt";
const cm = (name: string, data: Record<string, string> = { a: "1" }, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, ...extra }, data });

async function post(path: string, body: string, headers: Record<string, string> = J) {
  return c.api(path, { method: "POST", body, headers });
}
async function json(r: Response) {
  return (await r.json()) as Record<string, any>;
}
async function ns(name: string) {
  const r = await post("/api/v1/namespaces", JSON.stringify({ metadata: { name } }));
  assert.equal(r.status, 201, await r.text());
}

/** Read a watch stream until `n` events (lines) arrived or the time is up. */
async function readEvents(path: string, n: number, ms = 5000): Promise<any[]> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), ms);
  const out: any[] = [];
  try {
    const r = await c.api(path, { signal: ctrl.signal });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    const dec = new TextDecoder();
    let buf = "";
    while (out.length < n) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line) out.push(JSON.parse(line));
      }
    }
    void reader.cancel().catch(() => {});
  } catch (e) {
    if ((e as Error).name !== "AbortError") throw e;
  } finally {
    clearTimeout(timer);
    ctrl.abort();
  }
  return out;
}

test("health endpoints name their checks: verbose, exclude, one check by path (kubectl get --raw '/readyz?verbose')", async () => {
  const verbose = await c.kubectl(["get", "--raw", "/readyz?verbose"]);
  assert.equal(verbose.stdout, "[+]ping ok\n[+]log ok\n[+]etcd ok\n[+]etcd-readiness ok\n[+]shutdown ok\nreadyz check passed\n");
  assert.equal((await c.kubectl(["get", "--raw", "/livez"])).stdout, "ok");
  assert.equal((await c.kubectl(["get", "--raw", "/readyz/etcd"])).stdout, "ok");
  assert.match((await c.kubectl(["get", "--raw", "/livez?verbose&exclude=etcd"])).stdout, /^\[\+\]etcd excluded: ok$/m);
  const anon = await c.api("/readyz/etcd", { headers: { authorization: "" } });
  assert.equal(anon.status, 200, "probes need no credentials");
  assert.equal((await c.api("/livez/nope", { headers: { authorization: "" } })).status, 404);
});

test("errors are metav1.Status with the right codes", async () => {
  const anon = await c.api("/api/v1/namespaces", { headers: { authorization: "" } });
  assert.equal(anon.status, 401);
  assert.equal((await json(anon)).reason, "Unauthorized");
  const forged = await c.api("/api/v1/namespaces", { headers: { authorization: "Bearer forged" } });
  assert.equal(forged.status, 401);
  assert.equal((await c.api("/healthz", { headers: { authorization: "" } })).status, 200);
  const nf = await c.api("/api/v1/namespaces/default/configmaps/nope");
  assert.equal(nf.status, 404);
  assert.deepEqual(
    { kind: (await json(nf)).kind },
    { kind: "Status" },
  );
  assert.equal((await c.api("/api/v1/namespaces/default/widgets")).status, 404);
  const badJson = await post("/api/v1/namespaces/default/configmaps", "{not json");
  assert.equal(badJson.status, 400);
  const badType = await post("/api/v1/namespaces/default/configmaps", cm("x"), { "content-type": "text/plain" });
  assert.equal(badType.status, 415);
  const big = await post("/api/v1/namespaces/default/configmaps", cm("big", { a: "x".repeat(4 * 1024 * 1024) }));
  assert.equal(big.status, 413);
  const invalid = await post("/api/v1/namespaces/default/configmaps", cm("Not_Valid"));
  assert.equal(invalid.status, 422);
  const inv = await json(invalid);
  assert.equal(inv.reason, "Invalid");
  assert.equal(inv.details.causes[0].field, "metadata.name");
  const wrongType = await post("/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { name: "t" }, data: { a: 1 } }));
  assert.equal(wrongType.status, 400);
  const strict = await post("/api/v1/namespaces/default/configmaps?fieldValidation=Strict", JSON.stringify({ metadata: { name: "s" }, data: {}, extra: 1 }));
  assert.equal(strict.status, 400);
  assert.match((await json(strict)).message, /unknown field "extra"/);
  const dup = await post("/api/v1/namespaces/default/configmaps", cm("dup"));
  assert.equal(dup.status, 201);
  const dup2 = await post("/api/v1/namespaces/default/configmaps", cm("dup"));
  assert.equal(dup2.status, 409);
  assert.equal((await json(dup2)).reason, "AlreadyExists");
  const traversal = await c.api("/api/v1/namespaces/default/configmaps/..%2F..%2Fetc");
  assert.ok([400, 404].includes(traversal.status));
  const noNs = await post("/api/v1/namespaces/does-not-exist/configmaps", cm("x"));
  assert.equal(noNs.status, 404);
  // Nothing above left anything behind.
  const list = await json(await c.api(`/api/v1/namespaces/default/configmaps?${NOT_ROOT_CA}`));
  assert.deepEqual(list.items.map((i: any) => i.metadata.name), ["dup"]);
});

test("fieldValidation Warn keeps the object, drops the field, warns; dry run stores nothing", async () => {
  const r = await post("/api/v1/namespaces/default/configmaps?fieldValidation=Warn", JSON.stringify({ metadata: { name: "warned" }, data: { a: "b" }, bogus: { x: 1 } }));
  assert.equal(r.status, 201);
  assert.match(r.headers.get("warning") ?? "", /unknown field \\"bogus\\"/);
  const body = await json(r);
  assert.equal(body.bogus, undefined);
  const dry = await post("/api/v1/namespaces/default/configmaps?dryRun=All", cm("dry"));
  assert.equal(dry.status, 201);
  assert.ok((await json(dry)).metadata.uid);
  assert.equal((await c.api("/api/v1/namespaces/default/configmaps/dry")).status, 404);
});

test("generateName, uid, resourceVersion, optimistic concurrency", async () => {
  const r = await json(await post("/api/v1/namespaces/default/configmaps", JSON.stringify({ metadata: { generateName: "gen-" }, data: {} })));
  assert.match(r.metadata.name, /^gen-[a-z0-9]{5}$/);
  assert.ok(r.metadata.uid);
  const rv1 = r.metadata.resourceVersion;
  const upd = await c.api(`/api/v1/namespaces/default/configmaps/${r.metadata.name}`, { method: "PUT", headers: J, body: JSON.stringify({ ...r, data: { x: "1" } }) });
  assert.equal(upd.status, 200);
  const rv2 = (await json(upd)).metadata.resourceVersion;
  assert.notEqual(rv1, rv2);
  assert.ok(BigInt(rv2) > BigInt(rv1));
  const stale = await c.api(`/api/v1/namespaces/default/configmaps/${r.metadata.name}`, { method: "PUT", headers: J, body: JSON.stringify({ ...r, data: { x: "2" } }) });
  assert.equal(stale.status, 409);
  assert.equal((await json(stale)).reason, "Conflict");
});

test("watch resumes from a resourceVersion with every event, in order", async () => {
  await ns("watchme");
  const a = await json(await post("/api/v1/namespaces/watchme/configmaps", cm("a")));
  const from = a.metadata.resourceVersion;
  await post("/api/v1/namespaces/watchme/configmaps", cm("b"));
  await c.api("/api/v1/namespaces/watchme/configmaps/a", { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ data: { a: "2" } }) });
  await c.api("/api/v1/namespaces/watchme/configmaps/b", { method: "DELETE" });
  // The namespace's kube-root-ca.crt ConfigMap may be published after a (by its controller): only a and b count here.
  const events = await readEvents(`/api/v1/namespaces/watchme/configmaps?watch=true&resourceVersion=${from}&fieldSelector=metadata.name!=kube-root-ca.crt`, 3);
  assert.deepEqual(
    events.map((e) => `${e.type} ${e.object.metadata.name}`),
    ["ADDED b", "MODIFIED a", "DELETED b"],
  );
  const rvs = events.map((e) => BigInt(e.object.metadata.resourceVersion));
  assert.ok(rvs[0] < rvs[1] && rvs[1] < rvs[2]);
  // Label-filtered watch from the start shows only matching objects.
  await post("/api/v1/namespaces/watchme/configmaps", cm("labelled", { a: "1" }, { labels: { app: "x" } }));
  const filtered = await readEvents("/api/v1/namespaces/watchme/configmaps?watch=true&labelSelector=app%3Dx", 1);
  assert.deepEqual(filtered.map((e) => e.object.metadata.name), ["labelled"]);
});

test("a watch from a compacted resourceVersion gets 410 Gone", async () => {
  await ns("compacted");
  const first = await json(await post("/api/v1/namespaces/compacted/configmaps", cm("one")));
  await post("/api/v1/namespaces/compacted/configmaps", cm("two"));
  await post("/api/v1/namespaces/compacted/configmaps", cm("three"));
  await c.runCron();
  const events = await readEvents(`/api/v1/namespaces/compacted/configmaps?watch=true&resourceVersion=${first.metadata.resourceVersion}`, 1);
  assert.equal(events.length, 1);
  assert.equal(events[0].type, "ERROR");
  assert.equal(events[0].object.code, 410);
  assert.equal(events[0].object.reason, "Expired");
});

test("lists and watches across namespaces resume without losing an event", async () => {
  await ns("across-a");
  await ns("across-b");
  await post("/api/v1/namespaces/across-a/configmaps", cm("before"));
  const list = await json(await c.api("/api/v1/configmaps"));
  const rv = list.metadata.resourceVersion;
  assert.ok(list.items.some((i: any) => i.metadata.namespace === "across-a" && i.metadata.name === "before"));
  // Changes in two namespaces, and in a namespace made after the list.
  await post("/api/v1/namespaces/across-b/configmaps", cm("b1"));
  await post("/api/v1/namespaces/across-a/configmaps", cm("a1"));
  await ns("across-c");
  await post("/api/v1/namespaces/across-c/configmaps", cm("c1"));
  const events = await readEvents(`/api/v1/configmaps?watch=true&resourceVersion=${rv}&${NOT_ROOT_CA}`, 3, 8000);
  const seen = events.map((e) => `${e.type} ${e.object.metadata.namespace}/${e.object.metadata.name}`).sort();
  assert.deepEqual(seen, ["ADDED across-a/a1", "ADDED across-b/b1", "ADDED across-c/c1"]);
});

test("limit/continue pages through one namespace and across namespaces", async () => {
  await ns("paged");
  for (let i = 0; i < 7; i++) await post("/api/v1/namespaces/paged/configmaps", cm(`p${i}`));
  const names: string[] = [];
  let cont = "";
  for (let pages = 0; pages < 10; pages++) {
    const r = await json(await c.api(`/api/v1/namespaces/paged/configmaps?${NOT_ROOT_CA}&limit=3${cont ? `&continue=${cont}` : ""}`));
    names.push(...r.items.map((i: any) => i.metadata.name));
    cont = r.metadata.continue ?? "";
    if (!cont) break;
  }
  assert.deepEqual(names, ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);
  const all: string[] = [];
  cont = "";
  for (let pages = 0; pages < 50; pages++) {
    const r = await json(await c.api(`/api/v1/configmaps?limit=2${cont ? `&continue=${cont}` : ""}`));
    all.push(...r.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`));
    cont = r.metadata.continue ?? "";
    if (!cont) break;
  }
  const full = (await json(await c.api("/api/v1/configmaps"))).items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`);
  assert.deepEqual(all, full);
  assert.equal(new Set(all).size, all.length);
  const bad = await c.api("/api/v1/namespaces/paged/configmaps?limit=2&continue=garbage");
  assert.equal(bad.status, 400);
});

test("server-side tables have kubectl's columns", async () => {
  const r = await json(
    await post(
      "/api/v1/namespaces/default/pods",
      JSON.stringify({ metadata: { name: "web" }, spec: { containers: [{ name: "c", image: "busybox" }] } }),
    ),
  );
  assert.equal(r.status.phase, "Pending");
  assert.equal(r.spec.restartPolicy, "Always");
  assert.equal(r.spec.containers[0].imagePullPolicy, "Always");
  const t = await json(await c.api("/api/v1/namespaces/default/pods", { headers: { accept: "application/json;as=Table;v=v1;g=meta.k8s.io" } }));
  assert.equal(t.kind, "Table");
  assert.deepEqual(
    t.columnDefinitions.filter((d: any) => d.priority === 0).map((d: any) => d.name),
    ["Name", "Ready", "Status", "Restarts", "Age"],
  );
  assert.deepEqual(t.rows[0].cells.slice(0, 4), ["web", "0/1", "Pending", "0"]);
  assert.equal(t.rows[0].object.kind, "PartialObjectMetadata");
});

test("binding a pod; graceful deletion of a bound pod; eviction", async () => {
  await post("/api/v1/namespaces/default/pods", JSON.stringify({ metadata: { name: "bound" }, spec: { containers: [{ name: "c", image: "busybox:1" }] } }));
  const b = await post("/api/v1/namespaces/default/pods/bound/binding", JSON.stringify({ apiVersion: "v1", kind: "Binding", metadata: { name: "bound" }, target: { apiVersion: "v1", kind: "Node", name: "node-1" } }));
  assert.equal(b.status, 201, await b.clone().text());
  const again = await post("/api/v1/namespaces/default/pods/bound/binding", JSON.stringify({ metadata: { name: "bound" }, target: { name: "node-2" } }));
  assert.equal(again.status, 409);
  const p = await json(await c.api("/api/v1/namespaces/default/pods/bound"));
  assert.equal(p.spec.nodeName, "node-1");
  assert.ok(p.status.conditions.some((x: any) => x.type === "PodScheduled" && x.status === "True"));
  const pods = await json(await c.api("/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dnode-1"));
  assert.deepEqual(pods.items.map((i: any) => i.metadata.name), ["bound"]);
  const del = await c.api("/api/v1/namespaces/default/pods/bound", { method: "DELETE" });
  assert.equal(del.status, 200);
  const pending = await json(del);
  assert.ok(pending.metadata.deletionTimestamp, "a bound pod waits for its node");
  assert.equal(pending.metadata.deletionGracePeriodSeconds, 30);
  const force = await c.api("/api/v1/namespaces/default/pods/bound", { method: "DELETE", headers: J, body: JSON.stringify({ gracePeriodSeconds: 0 }) });
  assert.equal(force.status, 200);
  assert.equal((await c.api("/api/v1/namespaces/default/pods/bound")).status, 404);
  const ev = await post("/api/v1/namespaces/default/pods/web/eviction", JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "web" } }));
  assert.equal(ev.status, 201);
  assert.equal((await c.api("/api/v1/namespaces/default/pods/web")).status, 404);
  // An evicted pod that its node still has to stop is marked as disrupted while it terminates.
  await post("/api/v1/namespaces/default/pods", JSON.stringify({ metadata: { name: "evicted" }, spec: { nodeName: "node-1", containers: [{ name: "c", image: "busybox:1" }] } }));
  assert.equal((await post("/api/v1/namespaces/default/pods/evicted/eviction", JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "evicted" } }))).status, 201);
  const evicted = await json(await c.api("/api/v1/namespaces/default/pods/evicted"));
  assert.ok(evicted.metadata.deletionTimestamp);
  const target = evicted.status.conditions.find((x: any) => x.type === "DisruptionTarget");
  assert.deepEqual([target.status, target.reason, target.message], ["True", "EvictionByEvictionAPI", "Eviction API: evicting"]);
  await c.api("/api/v1/namespaces/default/pods/evicted", { method: "DELETE", headers: J, body: JSON.stringify({ gracePeriodSeconds: 0 }) });
});

test("ownerReferences: background, orphan and foreground deletion", async () => {
  await ns("gc");
  const owner = async (name: string) => json(await post("/api/v1/namespaces/gc/configmaps", cm(name)));
  const dependent = async (name: string, o: any, block = false) =>
    post(
      "/api/v1/namespaces/gc/configmaps",
      cm(name, { a: "1" }, { ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: o.metadata.name, uid: o.metadata.uid, blockOwnerDeletion: block }] }),
    );
  const bg = await owner("bg");
  await dependent("bg-child", bg);
  await c.api("/api/v1/namespaces/gc/configmaps/bg", { method: "DELETE" });
  assert.equal((await c.api("/api/v1/namespaces/gc/configmaps/bg-child")).status, 404, "background deletion removes dependents");
  const orphan = await owner("orphan");
  await dependent("orphan-child", orphan);
  const d = await c.api("/api/v1/namespaces/gc/configmaps/orphan?propagationPolicy=Orphan", { method: "DELETE" });
  assert.equal(d.status, 200);
  assert.equal((await c.api("/api/v1/namespaces/gc/configmaps/orphan")).status, 404);
  const child = await json(await c.api("/api/v1/namespaces/gc/configmaps/orphan-child"));
  assert.equal(child.metadata.ownerReferences, undefined, "orphaned dependents lose the ownerReference");
  const fg = await owner("fg");
  await dependent("fg-child", fg, true);
  await c.api("/api/v1/namespaces/gc/configmaps/fg", { method: "DELETE", headers: J, body: JSON.stringify({ propagationPolicy: "Foreground" }) });
  assert.equal((await c.api("/api/v1/namespaces/gc/configmaps/fg-child")).status, 404);
  assert.equal((await c.api("/api/v1/namespaces/gc/configmaps/fg")).status, 404);
  // A finalizer keeps an object until it is removed.
  await post("/api/v1/namespaces/gc/configmaps", cm("held", { a: "1" }, { finalizers: ["example.com/hold"] }));
  const held = await json(await c.api("/api/v1/namespaces/gc/configmaps/held", { method: "DELETE" }));
  assert.ok(held.metadata.deletionTimestamp);
  const rel = await c.api("/api/v1/namespaces/gc/configmaps/held", { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ metadata: { finalizers: null } }) });
  assert.equal(rel.status, 200);
  assert.equal((await c.api("/api/v1/namespaces/gc/configmaps/held")).status, 404);
});

test("deleting a namespace deletes its contents, then the namespace", async () => {
  await ns("doomed");
  for (let i = 0; i < 5; i++) await post("/api/v1/namespaces/doomed/configmaps", cm(`c${i}`));
  const d = await json(await c.api("/api/v1/namespaces/doomed", { method: "DELETE" }));
  assert.equal(d.status?.phase ?? "Terminating", "Terminating");
  const refused = await post("/api/v1/namespaces/doomed/configmaps", cm("late"));
  assert.ok([403, 404].includes(refused.status), `creates in a terminating namespace are refused (${refused.status})`);
  await eventually(async () => (await c.api("/api/v1/namespaces/doomed")).status === 404, 10_000, "namespace gone");
  const left = await json(await c.api("/api/v1/namespaces/doomed/configmaps"));
  assert.equal(left.items.length, 0);
  // The name can be used again.
  await ns("doomed");
  assert.equal((await post("/api/v1/namespaces/doomed/configmaps", cm("reborn"))).status, 201);
});

test("a namespace holding more than one store call can carry (36 MB) lists, resyncs and deletes as a collection", async () => {
  await ns("heavy");
  const blob = "x".repeat(900_000);
  for (let i = 0; i < 40; i++) assert.equal((await post("/api/v1/namespaces/heavy/configmaps", JSON.stringify({ metadata: { name: `big-${i}` }, data: { blob } }))).status, 201);
  const names = (l: any) => l.items.map((o: any) => o.metadata.name).filter((n: string) => n.startsWith("big-")).length;
  assert.equal(names(await json(await c.api("/api/v1/namespaces/heavy/configmaps"))), 40, "one unpaged list");
  assert.equal(names(await json(await c.api("/api/v1/namespaces/heavy/configmaps?limit=500"))), 40, "a page");
  assert.equal(names(await json(await c.api("/api/v1/configmaps"))), 40, "across namespaces");
  const got = await c.kubectl(["get", "configmaps", "-n", "heavy", "-o", "name"]);
  assert.equal(got.stdout.split("\n").filter((l) => l.startsWith("configmap/big-")).length, 40, "kubectl's paged table");
  // The controller manager's full re-list reads the namespace too.
  await c.runCron();
  const del = await c.api("/api/v1/namespaces/heavy/configmaps", { method: "DELETE" });
  assert.equal(del.status, 200);
  assert.equal((await json(del)).status, "Success");
  assert.equal(names(await json(await c.api("/api/v1/namespaces/heavy/configmaps"))), 0);
});

test("the cron trigger runs the resync", async () => {
  await c.runCron();
  const cs = await json(await c.api("/api/v1/componentstatuses"));
  assert.ok(cs.items.some((i: any) => i.metadata.name === "etcd-0" && i.conditions[0].status === "True"));
});
