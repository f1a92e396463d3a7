import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/status.js";
import { resourceQuota } from "./resourcequota.js";
import { FakeNamespace, attrs, pod } from "./testing.js";

const quota = (name: string, hard: Record<string, string>) => ({ metadata: { name }, spec: { hard } });
const small = (name: string) => pod(name, [{ name: "c", resources: { requests: { cpu: "250m", memory: "64Mi" }, limits: { cpu: "500m", memory: "128Mi" } } }]);

test("pods=2: the third pod is refused with Kubernetes' message; admitted creates charge status.used", () => {
  const ns = new FakeNamespace().add("resourcequotas", quota("q", { pods: "2" }));
  for (const n of ["a", "b"]) {
    resourceQuota.validate!(attrs("pods", small(n)), ns);
    ns.add("pods", small(n));
  }
  assert.deepEqual(ns.statusWrites.at(-1)?.status, { hard: { pods: "2" }, used: { pods: "2" } });
  assert.throws(
    () => resourceQuota.validate!(attrs("pods", small("c")), ns),
    (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2',
  );
});

test("finished pods do not count; compute resources sum; only exceeded names are reported", () => {
  const done = { ...small("done"), status: { phase: "Succeeded" } };
  const ns = new FakeNamespace().add("resourcequotas", quota("compute", { pods: "5", "requests.cpu": "600m", "limits.memory": "1Gi" })).add("pods", small("a"), done);
  resourceQuota.validate!(attrs("pods", small("b")), ns);
  ns.add("pods", small("b"));
  assert.throws(() => resourceQuota.validate!(attrs("pods", small("c")), ns), /exceeded quota: compute, requested: requests.cpu=250m, used: requests.cpu=500m, limited: requests.cpu=600m$/);
});

test("a quota on compute resources requires pods to name them", () => {
  const ns = new FakeNamespace().add("resourcequotas", quota("q", { "limits.cpu": "2" }));
  assert.throws(() => resourceQuota.validate!(attrs("pods", pod("bare", [{ name: "nginx" }])), ns), /failed quota: q: must specify limits.cpu for: nginx/);
});

test("object counts (configmaps, count/<resource>) are enforced; dry runs charge nothing; other kinds pass", () => {
  const ns = new FakeNamespace().add("resourcequotas", quota("objs", { configmaps: "1", "count/deployments.apps": "0" })).add("configmaps", { metadata: { name: "one" } });
  assert.throws(() => resourceQuota.validate!(attrs("configmaps", { metadata: { name: "two" } }), ns), /exceeded quota: objs, requested: configmaps=1, used: configmaps=1, limited: configmaps=1/);
  assert.throws(() => resourceQuota.validate!(attrs("deployments.apps", { metadata: { name: "d" } }), ns), /count\/deployments.apps=1/);
  resourceQuota.validate!(attrs("secrets", { metadata: { name: "s" } }, "CREATE", { dryRun: true }), ns);
  assert.equal(ns.statusWrites.length, 0);
});

test("a quota written gets status.hard and a fresh count of used", () => {
  const ns = new FakeNamespace().add("pods", small("a"));
  const q = quota("q", { pods: "3", "requests.memory": "1Gi" }) as { metadata: { name: string }; spec: unknown; status?: unknown };
  resourceQuota.admit!(attrs("resourcequotas", q), ns);
  assert.deepEqual(q.status, { hard: { pods: "3", "requests.memory": "1Gi" }, used: { pods: "1", "requests.memory": "64Mi" } });
});
