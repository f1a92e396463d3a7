/**
 * Hostile input against the real Worker in workerd: at least 10,000
 * malformed requests (bad JSON/YAML, wrong types, huge and deeply nested
 * bodies, invalid names, path traversal, odd methods, content types,
 * patches, selectors, resourceVersions, forged tokens, odd headers) from a
 * seeded PRNG (FUZZ_SEED=n to replay; FUZZ_COUNT to scale). Every answer
 * must be < 500, every error a metav1.Status whose code is the HTTP status,
 * and the store must be unchanged afterwards: every write carries at least
 * one defect that must make it fail.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, type TestCluster } from "../helpers/cluster.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const COUNT = Number(process.env.FUZZ_COUNT ?? 10_000);
const PARALLEL = 16;

let c: TestCluster;
before(async () => {
  c = await startCluster();
  await c.kubectl(["create", "configmap", "fuzz-cm", "--from-literal=k=v"]);
  await c.kubectl(["create", "secret", "generic", "fuzz-secret", "--from-literal=k=v"]);
  await c.kubectl(["create", "namespace", "fuzz"]);
  await c.kubectl(["-n", "fuzz", "create", "quota", "q", "--hard=pods=10"]);
  await c.kubectl(["-n", "fuzz", "create", "deployment", "web", "--image=nginx", "--replicas=0"]);
  // The ServiceAccount signing key is made on first use; make it now, so the snapshot holds it
  // and only what the hostile requests did can differ.
  await c.kubectl(["create", "token", "default"]);
});
after(async () => {
  await c?.dispose();
});

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Whether a 2xx answer is acceptable (reads); writes must fail. */
  mayPass: boolean;
}

const COLLECTIONS = [
  "/api/v1/namespaces/default/configmaps",
  "/api/v1/namespaces/default/secrets",
  "/api/v1/namespaces/fuzz/pods",
  "/api/v1/namespaces/fuzz/resourcequotas",
  "/api/v1/namespaces/fuzz/limitranges",
  "/apis/apps/v1/namespaces/fuzz/deployments",
  "/api/v1/namespaces",
  "/api/v1/nodes",
  "/api/v1/namespaces/nope/configmaps",
  "/apis/batch/v1/namespaces/default/jobs",
];
const EXISTING = ["/api/v1/namespaces/default/configmaps/fuzz-cm", "/api/v1/namespaces/default/secrets/fuzz-secret", "/apis/apps/v1/namespaces/fuzz/deployments/web", "/api/v1/namespaces/fuzz/resourcequotas/q", "/api/v1/namespaces/fuzz"];
const BAD_NAMES = ["..", ".", "%2E%2E", "..%2F..%2Fsecrets", "a%2Fb", "a%2fb", "UPPER", "a_b", "-lead", "trail-", "x".repeat(254), "%00", "%FF%FE", "na%20me", "%E2%80%AE", "a..b", "%252F", "a;b", "'or'1'='1", "<script>"];
const TRAVERSAL = [
  "/api/v1/namespaces/default/configmaps/../secrets",
  "/api/v1/namespaces/default/configmaps/..%2F..%2Fsecrets",
  "/api/v1/namespaces/..%2Fkube-system/secrets",
  "/api/v1/namespaces/%2E%2E/secrets",
  "/api//v1//namespaces//default//configmaps",
  "/api/v1/namespaces/default/configmaps/fuzz-cm/..",
  "/api/v1/namespaces/default/configmaps/fuzz-cm/%2e%2e/%2e%2e",
  "/apis/apps/v1/namespaces/fuzz/deployments/web/scale/../../..",
  "/api/v1/namespaces/default/pods/x/log/../../../etc/passwd",
  "/api/v1/namespaces/default/pods/x/exec",
  "/api/v1/namespaces/default/unknownthings",
  "/apis/nope.example.com/v1/things",
  "/apis/apps/v9/deployments",
  "/api/v2/pods",
  "/openapi/v3/../../etc/passwd",
  "/openapi/v3/apis/%2E%2E",
  "/edgeplane/v1/audit/../../api",
  "/%2e%2e/%2e%2e/etc/passwd",
  "/api/v1/namespaces/default/configmaps/fuzz-cm/status",
  "/api/v1/namespaces/default/configmaps/fuzz-cm/finalize",
  "/api/v1/watch/namespaces/default/configmaps/../../..",
];
const SELECTORS = ["a=b=c", "!!", "in (", "metadata.name in (", "spec.foo=bar", "a notin b", "=", ",,", "a!=", "x".repeat(70000), "metadata.name==a==b", "k in (a,(b))", "status.phase", "%", "a=b,", "🙂=🙂", "a in ()", "!a,!b,!", "app in (a, b", "metadata.namespace!=,"];
const RVS = ["abc", "-1", "1e100", "99999999999999999999999", "0x10", " 1", "1.5", "NaN", "Infinity", "18446744073709551616", "%00", "1;2", "2"];
const TYPES = ["text/plain", "application/vnd.kubernetes.protobuf", "multipart/form-data; boundary=x", "", "garbage", "application/json; charset=ebcdic", "application/x-www-form-urlencoded", "application/cbor", "application/apply-patch+cbor", "image/png", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json", "application/apply-patch+yaml", "application/yaml"];
/**
 * Methods workerd's HTTP server knows but the API does not serve. (Unknown
 * tokens such as FOO are answered 501 by the runtime itself, before the
 * Worker runs; fetch() normalises lower-case standard methods.)
 */
const METHODS = ["PROPFIND", "PURGE", "OPTIONS", "LOCK", "COPY", "MOVE", "REPORT", "MKCOL"];

function deep(n: number, open: string, close: string, leaf = "1"): string {
  return open.repeat(n) + leaf + close.repeat(n);
}

/** A body that cannot be stored: each has at least one defect. */
function badBody(r: Rng): { body: string; type: string } {
  const json = "application/json";
  switch (r.int(22)) {
    case 0: return { body: '{"metadata":{"name":"x"}', type: json };
    case 1: return { body: String.fromCharCode(...Array.from({ length: 64 }, () => r.int(256))), type: json };
    case 2: return { body: deep(5000 + r.int(50000), "[", "]"), type: json };
    case 3: return { body: '{"metadata":' + deep(2000 + r.int(20000), '{"a":', "}") + "}", type: json };
    case 4: return { body: JSON.stringify({ metadata: "x" }), type: json };
    case 5: return { body: JSON.stringify({ metadata: { name: 5 } }), type: json };
    case 6: return { body: JSON.stringify({ metadata: { name: r.pick(BAD_NAMES).replace(/%../g, "/") } }), type: json };
    case 7: return { body: JSON.stringify({ metadata: { name: "ok-name", labels: [1, 2] } }), type: json };
    case 8: return { body: JSON.stringify({ apiVersion: "v9", kind: "Nope", metadata: { name: "ok-name" } }), type: json };
    case 9: return { body: JSON.stringify({ metadata: { name: "ok-name", namespace: "elsewhere", labels: { l: "-bad-" } }, data: { a: 1 } }), type: json };
    case 10: return { body: "metadata:\n  name: [unclosed\n", type: "application/yaml" };
    case 11: return { body: "a: &a [" + "*a,".repeat(200) + "]\nb: *a\n", type: "application/yaml" };
    case 12: return { body: deep(2000 + r.int(5000), "[", "]").replace(/1/, "x"), type: "application/yaml" };
    case 13: return { body: "- just\n- a list\n", type: "application/yaml" };
    case 14: return { body: "null", type: json };
    case 15: return { body: '"string"', type: json };
    case 16: return { body: "", type: json };
    case 17: return { body: JSON.stringify({ metadata: { name: "ok-name", resourceVersion: r.pick(RVS), uid: "x", labels: { "a/b/c": "x" } }, spec: { containers: "nope" } }), type: json };
    case 18: return { body: '{"metadata":{"name":"ok-name"},"metadata":{"name":"Dup!"}, "spec": {"replicas": -5, "selector": 7}}', type: json };
    case 19: return { body: JSON.stringify({ metadata: { name: "ok-name", generateName: "x".repeat(300), finalizers: ["a/b/c/d", 3] } }), type: json };
    case 20: return { body: '\uFEFF{"metadata":{"name":"Bad Name"}}', type: json };
    default: return { body: JSON.stringify({ metadata: { name: "ok-name", annotations: { ["x".repeat(300)]: "v" } }, data: { "bad key!": "v" }, stringData: 5 }), type: json };
  }
}

function badPatch(r: Rng): { body: string; type: string } {
  switch (r.int(12)) {
    case 0: return { body: '[{"op":"explode","path":"/x"}]', type: "application/json-patch+json" };
    case 1: return { body: '[{"op":"replace","path":"/metadata/name","value":"other"}]', type: "application/json-patch+json" };
    case 2: return { body: '[{"op":"remove","path":"/no/such/path"}]', type: "application/json-patch+json" };
    case 3: return { body: '{"op":"add"}', type: "application/json-patch+json" };
    case 4: return { body: '[{"op":"test","path":"/metadata/name","value":"not-it"}]', type: "application/json-patch+json" };
    case 5: return { body: '["a", 1, null]', type: "application/merge-patch+json" };
    case 6: return { body: '{"metadata":{"name":"renamed"}}', type: "application/merge-patch+json" };
    case 7: return { body: '{"metadata":{"resourceVersion":"1"}, "data": {"k": "v2"}}', type: "application/strategic-merge-patch+json" };
    case 8: return { body: '{"metadata":{"name":"renamed","finalizers":[{"$patch":"explode"}]},"spec":{"template":{"spec":{"containers":[{"$patch":"explode"}]}}}}', type: "application/strategic-merge-patch+json" };
    case 9: return { body: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n", type: "application/apply-patch+yaml" };
    case 10: return { body: '{"metadata":{"labels":{"a":"-bad-"}},"spec":{"replicas":"many"}}', type: "application/merge-patch+json" };
    default: return { body: '[{"op":"add","path":"/metadata/labels/a~2b","value":1}]', type: "application/json-patch+json" };
  }
}

function generate(r: Rng): Req {
  const headers: Record<string, string> = {};
  const q = new URLSearchParams();
  let mayPass = false;
  let method = "GET";
  let path = r.pick(COLLECTIONS);
  let body: string | undefined;
  switch (r.int(14)) {
    case 0: { // create with a defective body
      method = "POST";
      const b = badBody(r);
      body = b.body;
      headers["content-type"] = b.type;
      break;
    }
    case 1: { // update with a defective body or a stale/garbage resourceVersion
      method = "PUT";
      path = r.pick(EXISTING);
      const b = r.chance(0.5) ? badBody(r) : { body: JSON.stringify({ metadata: { name: path.split("/").pop(), resourceVersion: r.pick(RVS) }, data: { k: "changed" } }), type: "application/json" };
      body = b.body;
      headers["content-type"] = b.type;
      break;
    }
    case 2: { // defective patches
      method = "PATCH";
      path = r.pick(EXISTING);
      const b = badPatch(r);
      body = b.body;
      headers["content-type"] = b.type;
      if (b.type.startsWith("application/apply")) q.set("fieldManager", r.chance(0.5) ? "x".repeat(200) : "fuzz");
      break;
    }
    case 3: // invalid names in the path, any verb
      method = r.pick(["GET", "DELETE", "PUT", "PATCH"]);
      // fetch resolves dot segments ("." "%2E%2E"): those would reach a real collection or parent, so not for writes.
      path = `${r.pick(COLLECTIONS)}/${method === "GET" ? r.pick(BAD_NAMES) : r.pick(BAD_NAMES.filter((n) => !/^(\.|%2E)+$/i.test(n)))}`;
      mayPass = method === "GET";
      if (method !== "GET" && method !== "DELETE") {
        body = JSON.stringify({ metadata: { name: "x" } });
        headers["content-type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
      }
      break;
    case 4: // traversal and unknown paths (fetch resolves literal "..": a DELETE could land on a real collection)
      method = r.pick(["GET", "GET", "POST", "PUT"]);
      path = r.pick(TRAVERSAL);
      mayPass = method === "GET";
      if (method === "POST" || method === "PUT") body = "{}";
      break;
    case 5: // unknown methods
      method = r.pick(METHODS);
      path = r.chance(0.5) ? r.pick(EXISTING) : r.pick(COLLECTIONS);
      mayPass = false;
      break;
    case 6: // bad content types on writes
      method = r.pick(["POST", "PUT", "PATCH"]);
      path = method === "POST" ? r.pick(COLLECTIONS) : r.pick(EXISTING);
      headers["content-type"] = r.pick(TYPES.slice(0, 10));
      body = method === "POST" ? badBody(r).body : "{}";
      break;
    case 7: // selectors
      q.set(r.chance(0.5) ? "labelSelector" : "fieldSelector", r.pick(SELECTORS));
      mayPass = true;
      if (r.chance(0.2)) {
        method = "DELETE";
        q.set("labelSelector", "fuzz-never-matches=" + "x".repeat(r.int(3)));
        q.set("fieldSelector", r.pick(SELECTORS));
        mayPass = true; // matches nothing: an empty list is the right answer
      }
      break;
    case 8: // resourceVersions, limits, continue tokens, timeouts
      q.set(r.pick(["resourceVersion", "resourceVersionMatch", "limit", "continue", "timeoutSeconds", "gracePeriodSeconds", "dryRun", "propagationPolicy"]), r.pick([...RVS, "garbage", "-5", "", "Exact", "%", "eyJ2IjoiZXAxIn0"]));
      if (r.chance(0.3)) q.set("watch", "true");
      if (q.get("watch")) q.set("resourceVersion", r.pick(RVS.slice(0, 12)));
      mayPass = q.get("watch") !== "true";
      break;
    case 9: // forged tokens
      headers.authorization = [
        `Bearer ${r.next().toString(36)}`,
        "Bearer",
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        "bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.",
        `Bearer ${"A".repeat(8000)}`,
        "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IngifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50In0.c2ln",
        "Token abc",
        "Bearer \u00e9\u00e8",
      ][r.int(9)];
      method = r.pick(["GET", "POST", "DELETE"]);
      if (method === "POST") body = "{}";
      break;
    case 10: // odd headers
      headers.accept = r.pick(["application/vnd.kubernetes.protobuf", "application/json;as=Table;g=meta.k8s.io;v=v9", "text/html", "*/*;q=x", "application/json;as=Table;v=v1;g=meta.k8s.io, garbage", ",,,", "application/yaml;charset=utf-16", "application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io"]);
      headers[r.pick(["x-forwarded-for", "user-agent", "impersonate-user", "impersonate-group", "content-encoding", "if-match", "x-remote-user"])] = r.pick(["", "\t", "a".repeat(4000), "gzip", "system:masters", "127.0.0.1, ::1, garbage", "admin"]);
      path = r.chance(0.5) ? r.pick(EXISTING) : r.pick(["/api", "/apis", "/openapi/v2", "/openapi/v3", "/version", "/healthz", ...COLLECTIONS]);
      mayPass = true;
      if (r.chance(0.3)) {
        method = "POST";
        path = r.pick(COLLECTIONS);
        const b = badBody(r);
        body = b.body;
        headers["content-type"] = b.type;
        mayPass = false;
      }
      break;
    case 11: // delete with defective options
      method = "DELETE";
      path = r.pick(EXISTING);
      headers["content-type"] = "application/json";
      body = r.pick([
        '{"preconditions":{"uid":"not-the-uid"}}',
        '{"preconditions":{"resourceVersion":"1"}}',
        '{"propagationPolicy":"Sideways"}',
        '{"gracePeriodSeconds":-7, "preconditions":{"uid":"x"}}',
        "[1,2,3",
        '{"gracePeriodSeconds":"soon"}',
        '{"dryRun":"All","preconditions":{"uid":"zzz"}}',
      ]);
      break;
    case 12: { // huge bodies
      method = r.pick(["POST", "PUT", "PATCH"]);
      path = method === "POST" ? r.pick(COLLECTIONS) : r.pick(EXISTING);
      headers["content-type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
      const size = r.chance(0.1) ? 3 * 1024 * 1024 + 1 + r.int(1024 * 1024) : 900_000 + r.int(2_000_000);
      body = `{"metadata":{"name":"Huge Name"},"data":{"k":"${"x".repeat(size)}"}}`;
      break;
    }
    default: { // subresources with defects
      method = r.pick(["POST", "PUT", "PATCH", "GET"]);
      const sub = r.pick(["scale", "status", "binding", "eviction", "finalize", "log", "exec", "proxy", "attach", "portforward", "nonsense"]);
      path = `${r.pick(EXISTING)}/${sub}`;
      if (method !== "GET") {
        headers["content-type"] = method === "PATCH" ? r.pick(["application/merge-patch+json", "application/json-patch+json"]) : "application/json";
        body = r.pick(['{"spec":{"replicas":"x"}}', '{"target":{"name":"n"}}', "[{}]", '{"metadata":{"name":"other"}}', badBody(r).body]);
      } else mayPass = true;
    }
  }
  // A watch that is accepted must end by itself.
  if (q.get("watch") === "true" && !q.has("timeoutSeconds")) q.set("timeoutSeconds", "1");
  // Queries get extra garbage sometimes.
  if (r.chance(0.1)) q.set(r.pick(["pretty", "fieldManager", "fieldValidation", "dryRun", "orphanDependents"]), r.pick(["x".repeat(200), "Strict", "bogus", "All", "true"]));
  if (q.get("dryRun") && q.get("dryRun") !== "All") mayPass = mayPass && method === "GET";
  const qs = q.toString();
  return { method, path: qs ? `${path}?${qs}` : path, headers, body, mayPass };
}

async function snapshot(): Promise<string[]> {
  const skip = new Set(["events", "leases", "componentstatuses", "pods.metrics.k8s.io", "nodes.metrics.k8s.io", "endpoints", "endpointslices"]);
  const groups = [["", "v1"]] as [string, string][];
  const apis = (await (await c.api("/apis")).json()) as { groups: { name: string; preferredVersion: { version: string } }[] };
  for (const g of apis.groups) groups.push([g.name, g.preferredVersion.version]);
  const out: string[] = [];
  for (const [g, v] of groups) {
    const base = g ? `/apis/${g}/${v}` : `/api/${v}`;
    const list = (await (await c.api(base)).json()) as { resources: { name: string; verbs: string[] }[] };
    for (const res of list.resources) {
      if (res.name.includes("/") || !res.verbs.includes("list") || skip.has(res.name) || skip.has(`${res.name}.${g}`)) continue;
      const items = ((await (await c.api(`${base}/${res.name}`)).json()) as { items: { metadata: { namespace?: string; name: string; resourceVersion: string } }[] }).items;
      for (const i of items) out.push(`${g}/${res.name} ${i.metadata.namespace ?? ""}/${i.metadata.name} ${i.metadata.resourceVersion}`);
    }
  }
  return out.sort();
}

test(`${COUNT} hostile requests (seed ${SEED}): no 5xx, every error a matching metav1.Status, the store unchanged`, { timeout: 900_000 }, async () => {
  const beforeState = await snapshot();
  const r = prng(SEED);
  const reqs = Array.from({ length: COUNT }, () => generate(r));
  const failures: string[] = [];
  const codes = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < reqs.length) {
      const i = next++;
      const q = reqs[i];
      const desc = `#${i} ${q.method} ${q.path.slice(0, 200)} ${JSON.stringify(q.headers).slice(0, 200)} body=${(q.body ?? "").slice(0, 120)}`;
      let res: Response | undefined;
      for (let attempt = 0; !res && attempt < 3; attempt++) {
        try {
          res = await c.api(q.path, { method: q.method, headers: q.headers, body: q.body, signal: AbortSignal.timeout(20_000) });
        } catch (e) {
          // A connection the server closed after answering a huge body (413) may take the next request with it: retry.
          if (attempt === 2) failures.push(`${desc}: transport error ${(e as Error).message} ${(e as Error).cause ?? ""}`);
        }
      }
      if (!res) continue;
      codes.set(res.status, (codes.get(res.status) ?? 0) + 1);
      const text = q.method === "HEAD" ? "" : await res.text().catch((e) => `<<${e}>>`);
      if (res.status >= 500) failures.push(`${desc}: ${res.status} ${text.slice(0, 300)}`);
      else if (res.status >= 400) {
        let s: { kind?: string; code?: number; status?: string } = {};
        try {
          s = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        if (s.kind !== "Status" || s.code !== res.status || s.status !== "Failure") failures.push(`${desc}: ${res.status} is not a matching Status: ${text.slice(0, 200)}`);
      } else if (!q.mayPass && q.method !== "OPTIONS") failures.push(`${desc}: accepted with ${res.status}: ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  console.log(`[fuzz] seed ${SEED}: ${COUNT} requests, status codes ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
  assert.deepEqual(failures.slice(0, 30), [], `${failures.length} failures (replay with FUZZ_SEED=${SEED})`);
  const afterState = await snapshot();
  assert.deepEqual(afterState, beforeState, "the store is unchanged");
});
