/**
 * CustomResourceDefinitions with the real kubectl against the local control
 * plane: a CRD's kind is served like a built-in one (discovery, explain,
 * columns, validation by its schema, defaults, status and scale
 * subresources, apply in both forms, watch, garbage collection), bad CRDs
 * and bad custom resources get Kubernetes' errors, deleting the CRD deletes
 * its resources everywhere, and everything survives a restart.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";

let c: TestCluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.dispose();
});

/** A CustomResourceDefinition's manifest up to its versions list (the caller's items follow, indented two spaces). */
const crdHead = (plural: string, kind: string, group: string, o: { scope?: "Namespaced" | "Cluster"; name?: string } = {}) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${o.name ?? `${plural}.${group}`}}
spec:
  group: ${group}
  scope: ${o.scope ?? "Namespaced"}
  names: {plural: ${plural}, kind: ${kind}}
  versions:`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            description: What the cron tab runs.
            required: [image]
            properties:
              cronSpec:
                type: string
                pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$'
              image:
                type: string
              replicas:
                type: integer
                minimum: 1
                maximum: 10
                default: 1
              mode:
                type: string
                enum: [Fast, Slow]
          status:
            type: object
            properties:
              replicas: {type: integer}
              phase: {type: string}
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
`;

const cronTab = (name: string, spec: string) => `apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
spec:
${spec}`;

test("a CRD is established and its kind is served: discovery, explain, defaults, columns", async () => {
  await c.kubectl(["apply", "-f", "-"], { input: CRD });
  await c.kubectl(["wait", "--for=condition=established", "--timeout=10s", "crd/crontabs.stable.example.com"]);
  const crd = JSON.parse((await c.kubectl(["get", "crd", "crontabs.stable.example.com", "-o", "json"])).stdout);
  assert.deepEqual(crd.status.storedVersions, ["v1"]);
  assert.equal(crd.status.acceptedNames.kind, "CronTab");
  assert.deepEqual(crd.metadata.finalizers, ["customresourcecleanup.apiextensions.k8s.io"]);
  assert.match((await c.kubectl(["get", "crd"])).stdout, /^NAME\s+CREATED AT\ncrontabs\.stable\.example\.com\s+\d{4}-\d\d-\d\dT/m);

  const resources = (await c.kubectl(["api-resources", "--api-group=stable.example.com"])).stdout;
  assert.match(resources, /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
  // kube-aggregator's crd-autoregistration: the group version gets its APIService.
  const svc = JSON.parse((await c.kubectl(["get", "apiservice", "v1.stable.example.com", "-o", "json"])).stdout);
  assert.deepEqual([svc.spec.groupPriorityMinimum, svc.spec.versionPriority, svc.metadata.labels["kube-aggregator.kubernetes.io/automanaged"]], [1000, 100, "true"]);
  const explain = (await c.kubectl(["explain", "crontab.spec"])).stdout;
  assert.match(explain, /What the cron tab runs\./);
  assert.match(explain, /cronSpec\s+<string>/);
  assert.match(explain, /image\s+<string> -required-/);

  await c.kubectl(["apply", "-f", "-"], { input: cronTab("nightly", '  cronSpec: "0 3 * * *"\n  image: backup:1\n') });
  const obj = JSON.parse((await c.kubectl(["get", "ct", "nightly", "-o", "json"])).stdout);
  assert.equal(obj.spec.replicas, 1, "the schema's default is filled in");
  assert.equal(obj.metadata.generation, 1);
  const table = (await c.kubectl(["get", "crontabs"])).stdout;
  // No status yet: the Phase cell is empty (null), as a real cluster prints it.
  assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+PHASE\s+AGE\nnightly\s+0 3 \* \* \*\s+1\s+\d+s$/m);
  assert.equal((await c.kubectl(["get", "ct", "nightly", "-o", "jsonpath={.spec.image}"])).stdout, "backup:1");
});

test("custom resources are validated by the CRD's schema: 422 with field causes, unknown fields by fieldValidation", async () => {
  const bad = await c.kubectl(["apply", "-f", "-"], { input: cronTab("bad", '  cronSpec: "nope"\n  replicas: 20\n  image: 3\n  mode: Medium\n'), allowFail: true });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /The CronTab "bad" is invalid/);
  assert.match(bad.stderr, /spec\.cronSpec: Invalid value: "nope": spec\.cronSpec in body should match/);
  assert.match(bad.stderr, /spec\.replicas: Invalid value: 20: spec\.replicas in body should be less than or equal to 10/);
  assert.match(bad.stderr, /spec\.image: Invalid value: "integer": spec\.image in body must be of type string: "integer"/);
  assert.match(bad.stderr, /spec\.mode: Unsupported value: "Medium": supported values: "Fast", "Slow"/);
  const missing = await c.kubectl(["apply", "-f", "-"], { input: cronTab("missing", '  cronSpec: "* * * * *"\n'), allowFail: true });
  assert.match(missing.stderr, /spec\.image: Required value/);
  // kubectl's default is server-side Strict: an unknown field is refused, the object not created.
  const unknown = await c.kubectl(["apply", "-f", "-"], { input: cronTab("unknown", "  image: x\n  bogus: 1\n"), allowFail: true });
  assert.match(unknown.stderr, /strict decoding error: unknown field "spec\.bogus"/);
  assert.equal((await c.kubectl(["get", "ct", "unknown"], { allowFail: true })).code, 1);
  // Ignore prunes it, as Kubernetes prunes fields its structural schema does not know.
  const r = await c.api("/apis/stable.example.com/v1/namespaces/default/crontabs?fieldValidation=Ignore", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ apiVersion: "stable.example.com/v1", kind: "CronTab", metadata: { name: "pruned" }, spec: { image: "x", bogus: 1 }, extra: true }),
  });
  assert.equal(r.status, 201);
  const pruned = (await r.json()) as { spec: Record<string, unknown>; extra?: unknown };
  assert.deepEqual(pruned.spec, { image: "x", replicas: 1 });
  assert.equal(pruned.extra, undefined);
  // Strategic merge patch needs Go struct tags: refused for custom resources, as in Kubernetes; merge patch works.
  const smp = await c.api("/apis/stable.example.com/v1/namespaces/default/crontabs/pruned", { method: "PATCH", headers: { "content-type": "application/strategic-merge-patch+json" }, body: '{"spec":{"image":"y"}}' });
  assert.equal(smp.status, 415);
  await c.kubectl(["patch", "ct", "pruned", "--type=merge", "-p", '{"spec":{"image":"y"}}']);
  assert.equal((await c.kubectl(["get", "ct", "pruned", "-o", "jsonpath={.spec.image}"])).stdout, "y");
  await c.kubectl(["delete", "ct", "pruned"]);
});

test("status and scale subresources; generation counts spec changes only; server-side apply and diff", async () => {
  await c.kubectl(["scale", "ct", "nightly", "--replicas=3"]);
  const scale = (await (await c.api("/apis/stable.example.com/v1/namespaces/default/crontabs/nightly/scale")).json()) as { kind: string; spec: { replicas: number } };
  assert.equal(scale.kind, "Scale");
  assert.equal(scale.spec.replicas, 3);
  const before = JSON.parse((await c.kubectl(["get", "ct", "nightly", "-o", "json"])).stdout);
  assert.equal(before.metadata.generation, 2);
  // A status write changes only status; a main write cannot change status.
  await c.kubectl(["patch", "ct", "nightly", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running","replicas":3}}']);
  await c.kubectl(["patch", "ct", "nightly", "--type=merge", "-p", '{"status":{"phase":"Hacked"}}']);
  const after = JSON.parse((await c.kubectl(["get", "ct", "nightly", "-o", "json"])).stdout);
  assert.equal(after.status.phase, "Running");
  assert.equal(after.metadata.generation, 2);
  assert.match((await c.kubectl(["get", "ct", "nightly"])).stdout, /nightly\s+0 3 \* \* \*\s+3\s+Running/);

  await c.kubectl(["apply", "--server-side", "-f", "-"], { input: cronTab("ssa", '  cronSpec: "*/5 * * * *"\n  image: ssa:1\n') });
  const ssa = JSON.parse((await c.kubectl(["get", "ct", "ssa", "-o", "json", "--show-managed-fields"])).stdout);
  assert.ok(ssa.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === "kubectl" && m.operation === "Apply"));
  const diff = await c.kubectl(["diff", "-f", "-"], { input: cronTab("ssa", '  cronSpec: "*/5 * * * *"\n  image: ssa:2\n'), allowFail: true });
  assert.equal(diff.code, 1, diff.stderr);
  assert.match(diff.stdout, /-\s+image: ssa:1\n\+\s+image: ssa:2/);
});

test("kubectl get -A -w shows custom resources changing in every namespace", async () => {
  await c.kubectl(["create", "namespace", "crd-watch"]);
  const w = c.kubectlStream(["get", "ct", "-A", "-w", "--output-watch-events"]);
  try {
    await eventually(() => w.output().includes("nightly"), 10_000, "initial list");
    await c.kubectl(["-n", "crd-watch", "apply", "-f", "-"], { input: cronTab("watched", "  image: w\n") });
    await c.kubectl(["-n", "crd-watch", "delete", "ct", "watched"]);
    await eventually(() => /DELETED\s+crd-watch\s+watched/.test(w.output()), 10_000, "DELETED event");
    assert.match(w.output(), /ADDED\s+crd-watch\s+watched/);
  } finally {
    w.stop();
  }
});

test("a ConfigMap owned by a custom resource is garbage collected with it", async () => {
  const owner = JSON.parse((await c.kubectl(["get", "ct", "ssa", "-o", "json"])).stdout);
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: v1
kind: ConfigMap
metadata:
  name: owned-by-ssa
  ownerReferences:
  - {apiVersion: stable.example.com/v1, kind: CronTab, name: ssa, uid: ${owner.metadata.uid}}
data: {a: b}
`,
  });
  await c.kubectl(["delete", "ct", "ssa"]);
  await eventually(async () => (await c.kubectl(["get", "cm", "owned-by-ssa"], { allowFail: true })).code !== 0, 10_000, "dependent deleted");
});

test("bad CRDs are refused with Kubernetes' messages", async () => {
  const refuse = async (yaml: string, re: RegExp) => {
    const r = await c.kubectl(["apply", "-f", "-"], { input: yaml, allowFail: true });
    assert.notEqual(r.code, 0, yaml);
    assert.match(r.stderr, re);
  };
  const base = (name: string, group: string, versions: string) => `${crdHead("widgets", "Widget", group, { name })}
${versions}`;
  const ok = "  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n";
  await refuse(base("gadgets.example.com", "example.com", ok), /metadata\.name: Invalid value: "gadgets\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
  await refuse(base("widgets.example.com", "example.com", "  - {name: v1, served: true, storage: true}\n"), /spec\.versions\[0\]\.schema\.openAPIV3Schema: Required value: schemas are required/);
  await refuse(base("widgets.example.com", "example.com", ok + "  - {name: v2, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}\n"), /must have exactly one version marked as storage version/);
  await refuse(base("widgets.example.com", "example.com", "  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {properties: {a: {type: string}}}}}}}\n"), /spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.type: Required value/);
  await refuse(base("widgets.example", "example", ok), /spec\.group: Invalid value: "example": should be a domain with at least one dot/);
  assert.equal((await c.kubectl(["get", "crd", "widgets.example.com"], { allowFail: true })).code, 1);
});

test("cluster-scoped custom resources", async () => {
  await c.kubectl(["apply", "-f", "-"], {
    input: `${crdHead("regions", "Region", "infra.example.com", { scope: "Cluster" })}
  - name: v1alpha1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`,
  });
  await c.kubectl(["apply", "-f", "-"], { input: "apiVersion: infra.example.com/v1alpha1\nkind: Region\nmetadata: {name: eu-west}\nspec: {anything: [1, 2]}\n" });
  const r = JSON.parse((await c.kubectl(["get", "region", "eu-west", "-o", "json"])).stdout);
  assert.deepEqual(r.spec, { anything: [1, 2] });
  assert.equal(r.metadata.namespace, undefined);
  assert.match((await c.kubectl(["get", "regions"])).stdout, /^NAME\s+AGE\neu-west\s+\d+s$/m);
});

test("several served versions: each validates with its own schema, reads come back in the version asked for", async () => {
  const schema = (extra: string) => `{openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: integer${extra}}}}}}}`;
  await c.kubectl(["apply", "-f", "-"], {
    input: `${crdHead("buckets", "Bucket", "store.example.com")}
  - {name: v1beta1, served: true, storage: false, schema: ${schema(", maximum: 3")}}
  - {name: v1, served: true, storage: true, schema: ${schema("")}}
`,
  });
  const post = (version: string, name: string, size: number) =>
    c.api(`/apis/store.example.com/${version}/namespaces/default/buckets`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiVersion: `store.example.com/${version}`, kind: "Bucket", metadata: { name }, spec: { size } }) });
  assert.equal((await post("v1beta1", "small", 2)).status, 201);
  assert.equal((await post("v1beta1", "big", 9)).status, 422, "v1beta1's schema caps size at 3");
  assert.equal((await post("v1", "big", 9)).status, 201, "v1's does not");
  for (const version of ["v1", "v1beta1"]) {
    const one = (await (await c.api(`/apis/store.example.com/${version}/namespaces/default/buckets/small`)).json()) as { apiVersion: string };
    assert.equal(one.apiVersion, `store.example.com/${version}`);
    for (const path of [`/apis/store.example.com/${version}/namespaces/default/buckets`, `/apis/store.example.com/${version}/buckets`]) {
      const list = (await (await c.api(path)).json()) as { items: { apiVersion: string }[] };
      assert.deepEqual(list.items.map((i) => i.apiVersion), [`store.example.com/${version}`, `store.example.com/${version}`], path);
    }
  }
  assert.match((await c.kubectl(["get", "buckets.v1beta1.store.example.com"])).stdout, /^big\s+\d+s\nsmall\s+\d+s$/m);
  // Watch events too: each object in the version the watch asked for.
  for (const version of ["v1", "v1beta1"]) {
    const r = await c.api(`/apis/store.example.com/${version}/namespaces/default/buckets?watch=true&timeoutSeconds=1`);
    const events = (await r.text()).trim().split("\n").map((l) => JSON.parse(l) as { type: string; object: { apiVersion: string } });
    assert.deepEqual(events.map((e) => [e.type, e.object.apiVersion]), [["ADDED", `store.example.com/${version}`], ["ADDED", `store.example.com/${version}`]]);
  }
});

test("custom resources survive a restart; deleting a CRD deletes its resources in every namespace first", async () => {
  await c.kubectl(["-n", "crd-watch", "apply", "-f", "-"], { input: cronTab("elsewhere", "  image: e\n") });
  const home = c.home;
  await c.stop();
  c = await startCluster({ home });
  assert.match((await c.kubectl(["get", "ct", "-A"])).stdout, /crd-watch\s+elsewhere[\s\S]*default\s+nightly|default\s+nightly[\s\S]*crd-watch\s+elsewhere/);
  assert.equal((await c.kubectl(["get", "region", "eu-west", "-o", "jsonpath={.metadata.name}"])).stdout, "eu-west");

  await c.kubectl(["delete", "crd", "crontabs.stable.example.com", "--timeout=30s"]);
  assert.equal((await c.kubectl(["get", "crd", "crontabs.stable.example.com"], { allowFail: true })).code, 1);
  const gone = await c.api("/apis/stable.example.com/v1/namespaces/default/crontabs");
  assert.equal(gone.status, 404);
  // Created again, the kind starts empty: nothing of the old one is left in any namespace.
  await c.kubectl(["apply", "-f", "-"], { input: CRD });
  await c.kubectl(["wait", "--for=condition=established", "--timeout=10s", "crd/crontabs.stable.example.com"]);
  const list = (await (await c.api("/apis/stable.example.com/v1/crontabs")).json()) as { items: unknown[] };
  assert.deepEqual(list.items, []);
});

test("x-kubernetes-validations: CEL rules refuse bad custom resources, transition rules guard updates, bad rules refuse the CRD", async () => {
  await c.kubectl(["apply", "-f", "-"], {
    input: `${crdHead("scalers", "Scaler", "cel.example.com")}
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: self.minReplicas <= self.maxReplicas
              message: minReplicas cannot be larger than maxReplicas
            - rule: "!has(self.memory) || quantity(self.memory).isLessThan(quantity('4Gi'))"
              fieldPath: .memory
              reason: FieldValueForbidden
              messageExpression: "'memory ' + self.memory + ' is over the 4Gi limit'"
            properties:
              minReplicas: {type: integer}
              maxReplicas: {type: integer}
              memory: {type: string}
              storageClass:
                type: string
                x-kubernetes-validations:
                - {rule: self == oldSelf, message: storageClass is immutable}
`,
  });
  const scaler = (name: string, spec: string) => `apiVersion: cel.example.com/v1\nkind: Scaler\nmetadata: {name: ${name}}\nspec: ${spec}\n`;
  await eventually(async () => (await c.kubectl(["get", "scalers"], { allowFail: true })).code === 0, 10_000, "scalers served");

  let r = await c.kubectl(["apply", "-f", "-"], { input: scaler("bad", "{minReplicas: 5, maxReplicas: 2}"), allowFail: true });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /The Scaler "bad" is invalid: spec: Invalid value: "object": minReplicas cannot be larger than maxReplicas/);
  r = await c.kubectl(["apply", "-f", "-"], { input: scaler("big", "{minReplicas: 1, maxReplicas: 2, memory: 8Gi}"), allowFail: true });
  assert.match(r.stderr, /spec\.memory: Forbidden: memory 8Gi is over the 4Gi limit/);
  assert.equal((await c.kubectl(["get", "scaler", "bad"], { allowFail: true })).code, 1, "nothing stored");

  await c.kubectl(["apply", "-f", "-"], { input: scaler("good", "{minReplicas: 1, maxReplicas: 3, memory: 1Gi, storageClass: fast}") });
  await c.kubectl(["patch", "scaler", "good", "--type=merge", "-p", '{"spec":{"maxReplicas":5}}']);
  r = await c.kubectl(["patch", "scaler", "good", "--type=merge", "-p", '{"spec":{"storageClass":"slow"}}'], { allowFail: true });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.storageClass: Invalid value: "string": storageClass is immutable/);
  r = await c.kubectl(["patch", "scaler", "good", "--type=merge", "-p", '{"spec":{"minReplicas":9}}'], { allowFail: true });
  assert.match(r.stderr, /minReplicas cannot be larger than maxReplicas/);
  const live = JSON.parse((await c.kubectl(["get", "scaler", "good", "-o", "json"])).stdout);
  assert.deepEqual(live.spec, { minReplicas: 1, maxReplicas: 5, memory: "1Gi", storageClass: "fast" });

  r = await c.kubectl(["apply", "-f", "-"], {
    input: `${crdHead("brokens", "Broken", "cel.example.com")}
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-validations: [{rule: "self.spec.a >"}], properties: {spec: {type: object, properties: {a: {type: integer}}}}}}
`,
    allowFail: true,
  });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /spec\.versions\[0\]\.schema\.openAPIV3Schema\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.spec\.a >": compilation failed: ERROR: <input>:1:\d+: /);
  await c.kubectl(["delete", "crd", "scalers.cel.example.com"]);
});

test("validation ratcheting: after the schema is tightened, updates that leave an old invalid value alone go through", async () => {
  const crd = (size: string) => `${crdHead("pools", "Pool", "ratchet.example.com")}
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: ${size}, owner: {type: string}}}}}}}
`;
  await c.kubectl(["apply", "-f", "-"], { input: crd("{type: integer}") });
  await eventually(async () => (await c.kubectl(["apply", "-f", "-"], { input: "apiVersion: ratchet.example.com/v1\nkind: Pool\nmetadata: {name: big, namespace: default}\nspec: {size: 50, owner: a}\n", allowFail: true })).code === 0, 10_000, "the Pool kind served");
  await c.kubectl(["apply", "-f", "-"], { input: crd("{type: integer, maximum: 10}") });
  await eventually(async () => {
    const r = await c.kubectl(["apply", "-f", "-"], { input: "apiVersion: ratchet.example.com/v1\nkind: Pool\nmetadata: {name: new, namespace: default}\nspec: {size: 50}\n", allowFail: true });
    return /spec\.size: Invalid value: 50: spec\.size in body should be less than or equal to 10/.test(r.stderr);
  }, 10_000, "the tightened schema refuses new pools");
  // The old pool keeps its size: other changes go through, a new invalid size does not, a valid one does.
  await c.kubectl(["-n", "default", "patch", "pool", "big", "--type=merge", "-p", '{"spec":{"owner":"b"}}']);
  const worse = await c.kubectl(["-n", "default", "patch", "pool", "big", "--type=merge", "-p", '{"spec":{"size":60}}'], { allowFail: true });
  assert.match(worse.stderr, /spec\.size: Invalid value: 60: spec\.size in body should be less than or equal to 10/);
  await c.kubectl(["-n", "default", "patch", "pool", "big", "--type=merge", "-p", '{"spec":{"size":5}}']);
  await c.kubectl(["delete", "crd", "pools.ratchet.example.com"]);
});
