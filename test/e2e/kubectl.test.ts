/**
 * The API/store issue's acceptance, with the real kubectl binary against the
 * local control plane (the Worker in workerd, state on disk).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { certificateRequest, servingCert } from "../../src/cli/pki.js";
import { pemBlocks } from "../../src/apimachinery/pem.js";

let c: TestCluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.dispose();
  if (c) rmSync(c.home, { recursive: true, force: true });
});

const deployment = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
`;

test("discovery: version, api-resources, api-versions, explain", async () => {
  const v = await c.kubectl(["version", "-o", "json"]);
  const info = JSON.parse(v.stdout);
  assert.equal(info.serverVersion.major, "1");
  const res = await c.kubectl(["api-resources"]);
  for (const r of ["pods", "deployments", "configmaps", "namespaces", "leases", "endpointslices", "horizontalpodautoscalers", "cronjobs"]) {
    assert.match(res.stdout, new RegExp(`^${r}\\s`, "m"), `api-resources lists ${r}`);
  }
  assert.match(res.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/m);
  const vers = await c.kubectl(["api-versions"]);
  for (const gv of ["v1", "apps/v1", "batch/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "autoscaling/v2"]) assert.match(vers.stdout, new RegExp(`^${gv.replace("/", "\\/")}$`, "m"));
  const ex = await c.kubectl(["explain", "deployment.spec"]);
  assert.match(ex.stdout, /KIND:\s+Deployment/);
  assert.match(ex.stdout, /replicas\s+<integer>/);
  assert.match(ex.stdout, /Number of desired pods/);
});

test("componentstatuses report the store's real health", async () => {
  const r = await c.kubectl(["get", "componentstatuses"]);
  assert.match(r.stdout, /etcd-0\s+Healthy/);
  assert.match(r.stdout, /scheduler\s+(Healthy|Unhealthy)/);
});

test("namespaces and the current-context namespace", async () => {
  await c.kubectl(["create", "namespace", "dev"]);
  await c.kubectl(["config", "set-context", "--current", "--namespace=dev"]);
  await c.kubectl(["create", "configmap", "example-config", "--from-literal=key1=value1", "--from-literal=key2=value2"]);
  const cm = JSON.parse((await c.kubectl(["get", "configmap", "example-config", "-n", "dev", "-o", "json"])).stdout);
  assert.deepEqual(cm.data, { key1: "value1", key2: "value2" });
  assert.equal(cm.metadata.namespace, "dev");
  await c.kubectl(["create", "secret", "generic", "example-secret", "--from-literal=username=admin", "--from-literal=password=secret"]);
  const y = (await c.kubectl(["get", "secret", "example-secret", "-o", "yaml"])).stdout;
  assert.match(y, /username: YWRtaW4=/);
  assert.match(y, /password: c2VjcmV0/);
  assert.match(y, /type: Opaque/);
  const ns = (await c.kubectl(["get", "ns"])).stdout;
  assert.match(ns, /^dev\s+Active/m);
  assert.match(ns, /^default\s+Active/m);
});

test("apply patches, server-side apply, diff", async () => {
  const file = join(c.home, "deploy.yaml");
  writeFileSync(file, deployment("nginx:1.25", 3));
  const a1 = await c.kubectl(["apply", "-f", file]);
  assert.match(a1.stdout, /deployment.apps\/nginx created/);
  const uid = JSON.parse((await c.kubectl(["get", "deploy", "nginx", "-o", "json"])).stdout).metadata.uid;
  writeFileSync(file, deployment("nginx:1.26", 5));
  const diff = await c.kubectl(["diff", "-f", file], { allowFail: true });
  assert.equal(diff.code, 1, `diff exits 1 when there are differences: ${diff.stderr}`);
  assert.match(diff.stdout, /-\s+replicas: 3/);
  assert.match(diff.stdout, /\+\s+replicas: 5/);
  const a2 = await c.kubectl(["apply", "-f", file]);
  assert.match(a2.stdout, /deployment.apps\/nginx configured/);
  const d = JSON.parse((await c.kubectl(["get", "deploy", "nginx", "-o", "json"])).stdout);
  assert.equal(d.metadata.uid, uid, "patched, not replaced");
  assert.equal(d.spec.replicas, 5);
  assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.26");
  assert.equal(d.metadata.generation, 2);
  assert.ok(d.metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]);
  const unchanged = await c.kubectl(["apply", "-f", file]);
  assert.match(unchanged.stdout, /unchanged/);
  const ssa = await c.kubectl(["apply", "--server-side", "-f", file]);
  assert.match(ssa.stdout, /serverside-applied/);
  const withMf = JSON.parse((await c.kubectl(["get", "deploy", "nginx", "-o", "json", "--show-managed-fields"])).stdout);
  assert.ok(withMf.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === "kubectl" && m.operation === "Apply"));
});

test("server-side apply again keys ports by their defaulted protocol: no duplicated container or Service port", async () => {
  const manifest = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ported, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ported}}
  template:
    metadata: {labels: {app: ported}}
    spec:
      containers:
      - {name: web, image: nginx, ports: [{containerPort: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ported, namespace: default}
spec:
  selector: {app: ported}
  ports: [{port: 80}]
`;
  for (const replicas of [1, 1, 2]) await c.kubectl(["apply", "--server-side", "-f", "-"], { input: manifest(replicas) });
  const d = JSON.parse((await c.kubectl(["-n", "default", "get", "deploy", "ported", "-o", "json", "--show-managed-fields"])).stdout);
  assert.deepEqual(d.spec.template.spec.containers[0].ports, [{ containerPort: 80, protocol: "TCP" }]);
  const applied = d.metadata.managedFields.find((m: { manager: string }) => m.manager === "kubectl");
  assert.ok(applied.fieldsV1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']["f:ports"]['k:{"containerPort":80,"protocol":"TCP"}'], "keyed as Kubernetes keys it");
  assert.equal(d.spec.replicas, 2);
  const svc = JSON.parse((await c.kubectl(["-n", "default", "get", "svc", "ported", "-o", "json"])).stdout);
  assert.equal(svc.spec.ports.length, 1);
  await c.kubectl(["-n", "default", "delete", "deploy,svc", "ported"]);
});

test("kubectl get apiservices lists every served group version as Local and Available; creating one is refused clearly", async () => {
  const table = (await c.kubectl(["get", "apiservices"])).stdout;
  assert.match(table, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE$/m);
  for (const name of ["v1.", "v1.apps", "v2.autoscaling", "v1.batch", "v1beta1.metrics.k8s.io"]) assert.match(table, new RegExp(`^${name.replace(/\./g, "\\.")}\\s+Local\\s+True\\s+`, "m"), name);
  const apps = JSON.parse((await c.kubectl(["get", "apiservice", "v1.apps", "-o", "json"])).stdout);
  assert.deepEqual(apps.spec, { group: "apps", version: "v1", groupPriorityMinimum: 17800, versionPriority: 15 });
  const r = await c.kubectl(["apply", "-f", "-"], {
    input: "apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.custom.metrics.k8s.io}\nspec: {group: custom.metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100, service: {namespace: x, name: y}}\n",
    allowFail: true,
  });
  assert.match(r.stderr, /create is not supported on apiservices: Edgeplane serves every API group itself and does not aggregate other API servers/);
});

test("get: wide, json, jsonpath, labels, field selectors, describe", async () => {
  const get = (await c.kubectl(["get", "deploy"])).stdout;
  assert.match(get, /NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
  // No nodes in this suite: the pods stay Pending, so nothing is ready or available.
  assert.match(get, /nginx\s+0\/5\s+\d+\s+0\s+\d+s/);
  const wide = (await c.kubectl(["get", "deploy", "-o", "wide"])).stdout;
  assert.match(wide, /CONTAINERS\s+IMAGES\s+SELECTOR/);
  assert.match(wide, /nginx:1.26\s+app=nginx/);
  const jp = (await c.kubectl(["get", "deploy", "nginx", "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).stdout;
  assert.equal(jp, "nginx:1.26");
  assert.match((await c.kubectl(["get", "deploy", "-l", "app=nginx"])).stdout, /nginx/);
  assert.match((await c.kubectl(["get", "deploy", "-l", "app!=nginx"], { allowFail: true })).stderr, /No resources found/);
  assert.match((await c.kubectl(["get", "deploy", "--show-labels"])).stdout, /LABELS[\s\S]*app=nginx/);
  assert.match((await c.kubectl(["get", "cm", "--field-selector", "metadata.name=example-config"])).stdout, /example-config\s+2/);
  const bad = await c.kubectl(["get", "pods", "--field-selector", "spec.bogus=x"], { allowFail: true });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /field label not supported: spec.bogus/);
  const desc = (await c.kubectl(["describe", "deploy", "nginx"])).stdout;
  assert.match(desc, /Name:\s+nginx/);
  assert.match(desc, /Replicas:\s+5 desired/);
  assert.match(desc, /Image:\s+nginx:1.26/);
});

test("label, annotate, patch (three types), scale, edit", async () => {
  await c.kubectl(["label", "deploy", "nginx", "tier=web"]);
  await c.kubectl(["annotate", "deploy", "nginx", "owner=team-a"]);
  await c.kubectl(["patch", "deploy", "nginx", "-p", '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}']);
  await c.kubectl(["patch", "deploy", "nginx", "--type=merge", "-p", '{"metadata":{"labels":{"merged":"yes"}}}']);
  await c.kubectl(["patch", "deploy", "nginx", "--type=json", "-p", '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":4}]']);
  await c.kubectl(["scale", "deploy", "nginx", "--replicas=2"]);
  const editor = join(c.home, "editor.sh");
  writeFileSync(editor, `#!/bin/sh\nsed -i 's/owner: team-a/owner: team-b/' "$1"\n`);
  chmodSync(editor, 0o755);
  await c.kubectl(["edit", "deploy", "nginx"], { env: { EDITOR: editor, KUBE_EDITOR: editor } });
  const d = JSON.parse((await c.kubectl(["get", "deploy", "nginx", "-o", "json"])).stdout);
  assert.equal(d.metadata.labels.tier, "web");
  assert.equal(d.metadata.labels.merged, "yes");
  assert.equal(d.metadata.annotations.owner, "team-b");
  assert.equal(d.spec.template.spec.containers.length, 1, "strategic merge kept one container");
  assert.equal(d.spec.template.spec.containers[0].image, "nginx:1.27");
  assert.equal(d.spec.template.spec.containers[0].ports[0].containerPort, 80, "strategic merge kept the ports");
  assert.equal(d.spec.revisionHistoryLimit, 4);
  assert.equal(d.spec.replicas, 2);
});

test("a stale update gets 409 Conflict", async () => {
  const d = JSON.parse((await c.kubectl(["get", "cm", "example-config", "-o", "json"])).stdout);
  await c.kubectl(["label", "cm", "example-config", "bump=1"]);
  d.data.key1 = "stale";
  const file = join(c.home, "stale.json");
  writeFileSync(file, JSON.stringify(d));
  const r = await c.kubectl(["replace", "-f", file], { allowFail: true });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Operation cannot be fulfilled on configmaps "example-config": the object has been modified/);
  const after = JSON.parse((await c.kubectl(["get", "cm", "example-config", "-o", "json"])).stdout);
  assert.equal(after.data.key1, "value1", "store unchanged");
});

test("watch with --output-watch-events, in one namespace and across all", async () => {
  const w = c.kubectlStream(["get", "cm", "-w", "--output-watch-events"]);
  const wa = c.kubectlStream(["get", "cm", "-A", "-w", "--output-watch-events"]);
  await eventually(() => w.output().includes("example-config") && wa.output().includes("example-config"), 15_000, "initial events");
  await c.kubectl(["create", "configmap", "watched", "--from-literal=a=b"]);
  await c.kubectl(["create", "configmap", "elsewhere", "-n", "default", "--from-literal=a=b"]);
  await c.kubectl(["delete", "configmap", "watched"]);
  await eventually(() => /DELETED\s+watched/.test(w.output()), 15_000, "DELETED in the namespace watch");
  await eventually(() => /DELETED\s+dev\s+watched/.test(wa.output()) && /ADDED\s+default\s+elsewhere/.test(wa.output()), 15_000, "events in the all-namespaces watch");
  assert.match(w.output(), /ADDED\s+watched/);
  assert.doesNotMatch(w.output(), /elsewhere/);
  w.stop();
  wa.stop();
});

test("delete: cascade orphan accepted, wait --for=delete", async () => {
  await c.kubectl(["create", "configmap", "doomed", "--from-literal=a=b"]);
  const waiter = c.kubectl(["wait", "--for=delete", "configmap/doomed", "--timeout=20s"]);
  await new Promise((r) => setTimeout(r, 500));
  await c.kubectl(["delete", "configmap", "doomed"]);
  const w = await waiter;
  assert.equal(w.code, 0);
  const del = await c.kubectl(["delete", "deploy", "nginx", "--cascade=orphan"]);
  assert.match(del.stdout, /deployment.apps "nginx" deleted/);
  const gone = await c.kubectl(["get", "deploy", "nginx"], { allowFail: true });
  assert.match(gone.stderr, /NotFound|not found/);
});

test("bad input gets a clear 4xx and leaves the store unchanged", async () => {
  const bad = join(c.home, "bad.yaml");
  writeFileSync(bad, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Bad_Name\ndata:\n  a: b\n");
  const r1 = await c.kubectl(["create", "-f", bad], { allowFail: true });
  assert.match(r1.stderr, /is invalid: metadata.name: Invalid value: "Bad_Name"/);
  writeFileSync(bad, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\nbogus: 1\ndata:\n  a: b\n");
  const r2 = await c.kubectl(["create", "-f", bad], { allowFail: true });
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /unknown field "bogus"/);
  const none = await c.kubectl(["get", "cm", "good"], { allowFail: true });
  assert.match(none.stderr, /not found/);
});

test("manifests with Ingress, IngressClass, NetworkPolicy, PodDisruptionBudget, PriorityClass, StorageClass apply, list as on a real cluster, and are validated", async () => {
  const file = join(c.home, "kinds.yaml");
  writeFileSync(
    file,
    `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  ingressClassName: nginx
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec: {podSelector: {matchLabels: {app: web}}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: local, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
`,
  );
  await c.kubectl(["apply", "-f", file]);
  // Client-side apply, then server-side: the last-applied migration must not trip over required top-level fields (value, provisioner).
  const ssa = await c.kubectl(["apply", "--server-side", "-f", file]);
  assert.doesNotMatch(ssa.stderr, /failed to migrate/);
  const get = async (what: string) => (await c.kubectl(["get", what, "-n", "default"])).stdout;
  assert.match(await get("ing"), /^NAME\s+CLASS\s+HOSTS\s+ADDRESS\s+PORTS\s+AGE\nweb\s+nginx\s+web\.example\.com\s+80, 443\s+\S+\n$/);
  assert.match(await get("ingressclass"), /^nginx\s+k8s\.io\/ingress-nginx\s+<none>\s+\S+$/m);
  assert.match(await get("netpol"), /^deny-all\s+app=web\s+\S+$/m);
  assert.match(await get("pdb"), /^NAME\s+MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS\s+AGE\nweb\s+2\s+N\/A\s+0\s+\S+$/m);
  assert.match(await get("pc"), /^high\s+1000\s+false\s+\S+\s+PreemptLowerPriority$/m);
  assert.match(await get("sc"), /^local \(default\)\s+kubernetes\.io\/no-provisioner\s+Delete\s+WaitForFirstConsumer\s+false\s+\S+$/m);
  assert.match((await c.kubectl(["explain", "ingress.spec.rules.http.paths.pathType"])).stdout, /pathType/);
  // Their rules, as the apiserver's: 422 with the field.
  const refused = async (args: string[], pattern: RegExp) => {
    const r = await c.kubectl(args, { allowFail: true });
    assert.notEqual(r.code, 0, args.join(" "));
    assert.match(r.stderr, pattern);
  };
  await refused(["patch", "pdb", "web", "-n", "default", "--type=merge", "-p", '{"spec":{"maxUnavailable":1}}'], /minAvailable and maxUnavailable cannot be both set/);
  await refused(["patch", "pc", "high", "--type=merge", "-p", '{"value":5}'], /value: Forbidden: may not be changed in an update/);
  await refused(["patch", "sc", "local", "--type=merge", "-p", '{"provisioner":"other"}'], /provisioner: Forbidden: updates to provisioner are forbidden/);
  await refused(["patch", "ing", "web", "-n", "default", "--type=json", "-p", '[{"op":"remove","path":"/spec/rules/0/http/paths/0/pathType"}]'], /pathType: Required value/);
  await refused(["create", "priorityclass", "too-high", "--value=2000000000"], /maximum allowed value of a user defined priority is 1000000000/);
  await c.kubectl(["delete", "-f", file]);
});

test("state survives a restart", async () => {
  const home = c.home;
  await c.stop();
  const again = await startCluster({ home });
  c = again;
  const cm = JSON.parse((await again.kubectl(["get", "cm", "example-config", "-n", "dev", "-o", "json"])).stdout);
  assert.equal(cm.data.key1, "value1");
  assert.match((await again.kubectl(["get", "ns"])).stdout, /^dev\s+Active/m);
});

test("every kubectl from 1.27 to 1.33 applies, explains and lists", async () => {
  const { existsSync } = await import("node:fs");
  const { spawnSync } = await import("node:child_process");
  const versions = ["1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33"].filter((v) => existsSync(`/usr/lib/google-cloud-sdk/bin/kubectl.${v}`));
  assert.ok(versions.length > 0, "at least one pinned kubectl is installed");
  for (const v of versions) {
    const bin = `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
    const run = (args: string[], input = "") => spawnSync(bin, args, { input, encoding: "utf8", env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.home } });
    const name = `v${v.replace(".", "")}`;
    const applied = run(["apply", "-n", "default", "-f", "-"], `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: b\n`);
    assert.equal(applied.status, 0, `kubectl ${v} apply: ${applied.stderr}`);
    const ex = run(["explain", "deployment.spec.replicas"]);
    assert.equal(ex.status, 0, `kubectl ${v} explain: ${ex.stderr}`);
    assert.match(ex.stdout, /Deployment/);
    const bad = run(["apply", "-n", "default", "-f", "-"], "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\nbogus: 1\n");
    assert.notEqual(bad.status, 0, `kubectl ${v} refuses an unknown field`);
    assert.match(bad.stderr, /unknown field "bogus"/);
    const got = run(["get", "cm", name, "-n", "default"]);
    assert.match(got.stdout, new RegExp(`${name}\\s+1`));
  }
});

test("events.k8s.io/v1 serves the same Events as core/v1, renamed as Kubernetes converts them", async () => {
  await c.kubectl(["create", "namespace", "evs"]);
  const file = join(c.home, "ev.yaml");
  writeFileSync(
    file,
    `apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: probe.1, namespace: evs}
eventTime: "2026-11-22T23:00:00.000000Z"
reportingController: example.com/prober
reportingInstance: prober-1
action: Probing
reason: Probed
note: the probe answered
type: Normal
regarding: {kind: ConfigMap, name: cfg, namespace: evs, apiVersion: v1}
`,
  );
  assert.match((await c.kubectl(["create", "-f", file])).stdout, /event.events.k8s.io\/probe.1 created/);
  // Stored once, as core/v1: kubectl get events shows it.
  const core = JSON.parse((await c.kubectl(["get", "events", "probe.1", "-n", "evs", "-o", "json"])).stdout);
  assert.deepEqual([core.apiVersion, core.message, core.involvedObject.name, core.reportingComponent], ["v1", "the probe answered", "cfg", "example.com/prober"]);
  assert.match((await c.kubectl(["get", "events", "-n", "evs"])).stdout, /Probed\s+configmap\/cfg\s+the probe answered/);
  // Read, patched and listed through events.k8s.io/v1.
  await c.kubectl(["patch", "events.v1.events.k8s.io", "probe.1", "-n", "evs", "--type=merge", "-p", '{"note":"answered twice"}']);
  const list = JSON.parse((await c.kubectl(["get", "events.v1.events.k8s.io", "-n", "evs", "-o", "json"])).stdout);
  assert.equal(list.items.length, 1);
  const ev = list.items[0];
  assert.deepEqual([ev.apiVersion, ev.note, ev.regarding.kind, ev.reportingController, ev.message], ["events.k8s.io/v1", "answered twice", "ConfigMap", "example.com/prober", undefined]);
  assert.match((await c.kubectl(["api-resources", "--api-group=events.k8s.io"])).stdout, /events\s+ev\s+events\.k8s\.io\/v1\s+true\s+Event/);
});

test("kubectl get --subresource=status and =scale print tables as on a real cluster", async () => {
  await c.kubectl(["create", "deployment", "subres", "--image=nginx", "--replicas=2"]);
  const status = (await c.kubectl(["get", "deployment", "subres", "--subresource=status"])).stdout;
  assert.match(status, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
  assert.match(status, /\nsubres\s+\d\/2\s+/);
  const scale = (await c.kubectl(["get", "deployment", "subres", "--subresource=scale"])).stdout;
  assert.match(scale, /^NAME\s+DESIRED\s+AVAILABLE\s+AGE\nsubres\s+2\s+\d\s+/);
  assert.equal(JSON.parse((await c.kubectl(["get", "deployment", "subres", "--subresource=scale", "-o", "json"])).stdout).kind, "Scale");
});

test("kubectl debug adds ephemeral containers through pods/ephemeralcontainers; they are only ever added, and validated", async () => {
  // The context's namespace (the suite set it, and a restart's kubeconfig keeps it).
  const ns = (await c.kubectl(["config", "view", "--minify", "-o", "jsonpath={..namespace}"])).stdout || "default";
  await c.kubectl(["run", "dbg-target", "--image=nginx"]);
  const out = await c.kubectl(["debug", "dbg-target", "--image=busybox", "-c", "dbg", "--target=dbg-target", "--", "sleep", "1000"]);
  assert.match(out.stdout + out.stderr, /Targeting container "dbg-target"/);
  const pod = JSON.parse((await c.kubectl(["get", "pod", "dbg-target", "-o", "json"])).stdout);
  assert.equal(pod.spec.ephemeralContainers.length, 1);
  assert.deepEqual(
    { name: pod.spec.ephemeralContainers[0].name, target: pod.spec.ephemeralContainers[0].targetContainerName, command: pod.spec.ephemeralContainers[0].command, policy: pod.spec.ephemeralContainers[0].terminationMessagePolicy },
    { name: "dbg", target: "dbg-target", command: ["sleep", "1000"], policy: "File" },
  );
  // The subresource, as kubectl lists it in discovery and reads it.
  assert.match((await c.kubectl(["get", "--raw", "/api/v1"])).stdout, /"name":"pods\/ephemeralcontainers","singularName":"","namespaced":true,"kind":"Pod","verbs":\["get","patch","update"\]/);
  assert.equal(JSON.parse((await c.kubectl(["get", "--raw", `/api/v1/namespaces/${ns}/pods/dbg-target/ephemeralcontainers`])).stdout).metadata.name, "dbg-target");
  // Kubernetes' validation: names unique among all the pod's containers, a target that exists.
  const dup = await c.kubectl(["debug", "dbg-target", "--image=busybox", "-c", "dbg-target"], { allowFail: true });
  assert.notEqual(dup.code, 0);
  assert.match(dup.stderr, /spec\.ephemeralContainers\[1\]\.name: Duplicate value: "dbg-target"/);
  const target = await c.kubectl(["debug", "dbg-target", "--image=busybox", "-c", "x", "--target=nope"], { allowFail: true });
  assert.match(target.stderr, /spec\.ephemeralContainers\[1\]\.targetContainerName: Not found: "nope"/);
  // Through the subresource: no ports, no removing or changing one; the rest of the pod is not touched.
  const path = `/api/v1/namespaces/${ns}/pods/dbg-target/ephemeralcontainers`;
  const ports = await c.api(path, { method: "PATCH", headers: { "content-type": "application/strategic-merge-patch+json" }, body: JSON.stringify({ spec: { ephemeralContainers: [{ name: "p", image: "busybox", ports: [{ containerPort: 80 }] }] } }) });
  assert.equal(ports.status, 422);
  assert.match(await ports.text(), /spec.ephemeralContainers\[\d\].ports: Forbidden: cannot be set for an Ephemeral Container/);
  const removed = await c.api(path, { method: "PATCH", headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify([{ op: "remove", path: "/spec/ephemeralContainers/0" }]) });
  assert.equal(removed.status, 422);
  assert.match(await removed.text(), /existing ephemeral containers \\"dbg\\" may not be removed/);
  const changed = await c.api(path, { method: "PATCH", headers: { "content-type": "application/json-patch+json" }, body: JSON.stringify([{ op: "replace", path: "/spec/ephemeralContainers/0/image", value: "other" }]) });
  assert.match(await changed.text(), /existing ephemeral containers \\"dbg\\" may not be changed/);
  const sneaky = await c.api(path, { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ metadata: { labels: { sneaky: "1" } }, spec: { activeDeadlineSeconds: 5 } }) });
  assert.equal(sneaky.status, 200, await sneaky.text());
  const kept = JSON.parse((await c.kubectl(["get", "pod", "dbg-target", "-o", "json"])).stdout);
  assert.equal(kept.metadata.labels.sneaky, undefined);
  assert.equal(kept.spec.activeDeadlineSeconds, undefined);
  // A main-resource write keeps them (kubectl replace of a manifest without them), and cannot add any.
  delete kept.spec.ephemeralContainers;
  kept.metadata.labels.replaced = "yes";
  await c.kubectl(["replace", "-f", "-"], { input: JSON.stringify(kept) });
  const after = JSON.parse((await c.kubectl(["get", "pod", "dbg-target", "-o", "json"])).stdout);
  assert.equal(after.metadata.labels.replaced, "yes");
  assert.deepEqual(after.spec.ephemeralContainers.map((e: { name: string }) => e.name), ["dbg"]);
  await c.kubectl(["patch", "pod", "dbg-target", "--type=merge", "-p", JSON.stringify({ spec: { ephemeralContainers: [{ name: "dbg", image: "x" }, { name: "y", image: "busybox" }] } })]);
  assert.deepEqual(JSON.parse((await c.kubectl(["get", "pod", "dbg-target", "-o", "json"])).stdout).spec.ephemeralContainers.map((e: { name: string; image: string }) => `${e.name}:${e.image}`), ["dbg:busybox"]);
  // Not on create.
  const created = await c.kubectl(["apply", "-f", "-"], { input: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "eph-on-create" }, spec: { containers: [{ name: "a", image: "nginx" }], ephemeralContainers: [{ name: "e", image: "busybox" }] } }), allowFail: true });
  assert.match(created.stderr, /spec\.ephemeralContainers: Forbidden: cannot be set on create/);
});

test("admission webhook configurations (as charts carry them) apply, list, explain and are validated", async () => {
  const vwc = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: ingress-nginx-admission
webhooks:
- name: validate.nginx.ingress.kubernetes.io
  admissionReviewVersions: [v1]
  sideEffects: None
  clientConfig:
    service: {namespace: ingress-nginx, name: ingress-nginx-controller-admission, path: /networking/v1/ingresses}
  rules:
  - apiGroups: [networking.k8s.io]
    apiVersions: [v1]
    operations: [CREATE, UPDATE]
    resources: [ingresses]
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: cert-manager-webhook
webhooks:
- name: webhook.cert-manager.io
  admissionReviewVersions: [v1]
  sideEffects: None
  timeoutSeconds: 30
  clientConfig:
    service: {namespace: cert-manager, name: cert-manager-webhook, path: /mutate}
  rules:
  - {apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE], resources: ["*/*"]}
`;
  await c.kubectl(["apply", "-f", "-"], { input: vwc });
  assert.match((await c.kubectl(["get", "validatingwebhookconfigurations"])).stdout, /^NAME\s+WEBHOOKS\s+AGE\ningress-nginx-admission\s+1\s+\S+$/m);
  assert.match((await c.kubectl(["get", "mutatingwebhookconfigurations"])).stdout, /^cert-manager-webhook\s+1\s+/m);
  const got = JSON.parse((await c.kubectl(["get", "validatingwebhookconfiguration", "ingress-nginx-admission", "-o", "json"])).stdout);
  const w = got.webhooks[0];
  // Kubernetes' defaults, and the rule's resources kept (kubernetes-types drops Rule's inlined fields; the schema restores them).
  assert.deepEqual([w.failurePolicy, w.matchPolicy, w.timeoutSeconds, w.clientConfig.service.port, w.rules[0].scope], ["Fail", "Equivalent", 10, 443, "*"]);
  assert.deepEqual(w.rules[0].resources, ["ingresses"]);
  assert.deepEqual(w.namespaceSelector, {});
  const m = JSON.parse((await c.kubectl(["get", "mutatingwebhookconfiguration", "cert-manager-webhook", "-o", "json"])).stdout).webhooks[0];
  assert.equal(m.reinvocationPolicy, "Never");
  assert.match((await c.kubectl(["explain", "validatingwebhookconfiguration.webhooks.sideEffects"])).stdout, /sideEffects/);
  assert.match((await c.kubectl(["api-resources", "--api-group=admissionregistration.k8s.io"])).stdout, /validatingwebhookconfigurations\s+admissionregistration\.k8s\.io\/v1\s+false\s+ValidatingWebhookConfiguration/);
  // A strategic merge patch merges webhooks by name.
  await c.kubectl(["patch", "validatingwebhookconfiguration", "ingress-nginx-admission", "-p", JSON.stringify({ webhooks: [{ name: "validate.nginx.ingress.kubernetes.io", failurePolicy: "Ignore" }] })]);
  const patched = JSON.parse((await c.kubectl(["get", "validatingwebhookconfiguration", "ingress-nginx-admission", "-o", "json"])).stdout).webhooks;
  assert.deepEqual([patched.length, patched[0].failurePolicy, patched[0].sideEffects], [1, "Ignore", "None"]);
  // kube-apiserver's validation.
  const bad = await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: bad}
webhooks:
- name: short
  clientConfig: {url: "http://example.com/x"}
`,
    allowFail: true,
  });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /webhooks\[0\]\.sideEffects: Required value/);
  assert.match(bad.stderr, /webhooks\[0\]\.admissionReviewVersions: Required value/);
  const worse = await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: bad}
webhooks:
- name: short
  sideEffects: Some
  admissionReviewVersions: [v1]
  clientConfig: {url: "http://example.com/x"}
  timeoutSeconds: 60
`,
    allowFail: true,
  });
  for (const msg of [
    /webhooks\[0\]\.name: Invalid value: "short": should be a domain with at least three segments separated by dots/,
    /webhooks\[0\]\.clientConfig\.url: Invalid value: "http:\/\/example\.com\/x": 'https' is the only allowed URL scheme/,
    /webhooks\[0\]\.sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"/,
    /webhooks\[0\]\.timeoutSeconds: Invalid value: 60: the timeout value must be between 1 and 30 seconds/,
  ]) assert.match(worse.stderr, msg);
  assert.match((await c.kubectl(["get", "validatingwebhookconfiguration", "bad"], { allowFail: true })).stderr, /NotFound/);
  // They are called now (test/e2e/agent.test.ts): their webhook Services do not exist here, so remove them.
  await c.kubectl(["delete", "validatingwebhookconfiguration/ingress-nginx-admission", "mutatingwebhookconfiguration/cert-manager-webhook"]);
});

test("PodTemplate and RuntimeClass apply and list with kubectl's columns; a RuntimeClass handler is a DNS label and immutable", async () => {
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: v1
kind: PodTemplate
metadata: {name: worker}
template:
  metadata: {labels: {app: worker}}
  spec:
    containers: [{name: w, image: busybox}]
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
scheduling:
  nodeSelector: {sandbox: gvisor}
`,
  });
  assert.match((await c.kubectl(["get", "podtemplates"])).stdout, /^NAME\s+CONTAINERS\s+IMAGES\s+POD LABELS\nworker\s+w\s+busybox\s+app=worker$/m);
  const tpl = JSON.parse((await c.kubectl(["get", "podtemplate", "worker", "-o", "json"])).stdout);
  assert.equal(tpl.template.spec.restartPolicy, "Always", "the template's pod spec is defaulted");
  assert.match((await c.kubectl(["get", "runtimeclass"])).stdout, /^NAME\s+HANDLER\s+AGE\ngvisor\s+runsc\s+\S+$/m);
  const bad = await c.kubectl(["apply", "-f", "-"], { input: `apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: bad}\nhandler: Not_A_Label\n`, allowFail: true });
  assert.match(bad.stderr, /handler: Invalid value: "Not_A_Label"/);
  const changed = await c.kubectl(["patch", "runtimeclass", "gvisor", "--type=merge", "-p", '{"handler":"kata"}'], { allowFail: true });
  assert.match(changed.stderr, /handler: Invalid value: "kata": field is immutable/);
});

test("CSI kinds a storage driver's chart creates: CSIDriver (defaulted), CSINode, VolumeAttachment, CSIStorageCapacity, with kubectl's columns", async () => {
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: storage.k8s.io/v1
kind: CSIDriver
metadata: {name: nfs.csi.k8s.io}
spec: {attachRequired: false, volumeLifecycleModes: [Persistent, Ephemeral]}
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata: {name: node-a}
spec:
  drivers: [{name: nfs.csi.k8s.io, nodeID: node-a, topologyKeys: [topology.kubernetes.io/zone]}]
---
apiVersion: storage.k8s.io/v1
kind: VolumeAttachment
metadata: {name: csi-123}
spec: {attacher: nfs.csi.k8s.io, nodeName: node-a, source: {persistentVolumeName: pv-1}}
---
apiVersion: storage.k8s.io/v1
kind: CSIStorageCapacity
metadata: {name: cap-1, namespace: default}
storageClassName: fast
capacity: 100Gi
`,
  });
  assert.match((await c.kubectl(["get", "csidrivers"])).stdout, /^NAME\s+ATTACHREQUIRED\s+PODINFOONMOUNT\s+STORAGECAPACITY\s+TOKENREQUESTS\s+REQUIRESREPUBLISH\s+MODES\s+AGE\nnfs\.csi\.k8s\.io\s+false\s+false\s+false\s+<unset>\s+false\s+Persistent,Ephemeral\s+\S+$/m);
  assert.equal(JSON.parse((await c.kubectl(["get", "csidriver", "nfs.csi.k8s.io", "-o", "json"])).stdout).spec.fsGroupPolicy, "ReadWriteOnceWithFSType");
  assert.match((await c.kubectl(["get", "csinodes"])).stdout, /^node-a\s+1\s+\S+$/m);
  assert.match((await c.kubectl(["get", "volumeattachments"])).stdout, /^NAME\s+ATTACHER\s+PV\s+NODE\s+ATTACHED\s+AGE\ncsi-123\s+nfs\.csi\.k8s\.io\s+pv-1\s+node-a\s+false\s+\S+$/m);
  assert.match((await c.kubectl(["-n", "default", "get", "csistoragecapacities"])).stdout, /^cap-1\s+fast\s+100Gi\s+\S+$/m);
  const noNode = await c.kubectl(["apply", "-f", "-"], { input: "apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata: {name: bad}\nspec: {attacher: x.example.com, source: {persistentVolumeName: pv}}\n", allowFail: true });
  assert.match(noNode.stderr, /spec\.nodeName: Required value/);
  const noSource = await c.kubectl(["apply", "-f", "-"], { input: "apiVersion: storage.k8s.io/v1\nkind: VolumeAttachment\nmetadata: {name: bad}\nspec: {attacher: x.example.com, nodeName: node-x, source: {}}\n", allowFail: true });
  assert.match(noSource.stderr, /spec\.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName/);
  const moved = await c.kubectl(["patch", "volumeattachment", "csi-123", "--type=merge", "-p", '{"spec":{"nodeName":"node-b"}}'], { allowFail: true });
  assert.match(moved.stderr, /spec: Invalid value: "": field is immutable/);
  await c.kubectl(["patch", "volumeattachment", "csi-123", "--subresource=status", "--type=merge", "-p", '{"status":{"attached":true}}']);
  assert.match((await c.kubectl(["get", "volumeattachment", "csi-123"])).stdout, /csi-123\s+nfs\.csi\.k8s\.io\s+pv-1\s+node-a\s+true/);
  await c.kubectl(["delete", "csidriver/nfs.csi.k8s.io", "csinode/node-a", "volumeattachment/csi-123"]);
});

test("CertificateSigningRequests: the requester is stamped, kubectl certificate approve and deny, a signer's certificate through /status, kubectl's columns", async () => {
  const manifest = (name: string, request: string) => `apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata: {name: ${name}}
spec:
  request: ${Buffer.from(request).toString("base64")}
  signerName: example.com/my-signer
  expirationSeconds: 86400
  usages: [client auth]
  username: mallory
`;
  const { csr } = await certificateRequest("CN=jane,O=dev");
  await c.kubectl(["apply", "-f", "-"], { input: manifest("jane", csr) + "---\n" + manifest("bob", csr) });
  assert.match((await c.kubectl(["get", "csr"])).stdout, /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\nbob\s+\S+\s+example\.com\/my-signer\s+admin\s+24h\s+Pending\njane\s+\S+\s+example\.com\/my-signer\s+admin\s+24h\s+Pending$/m);
  await c.kubectl(["certificate", "approve", "jane"]);
  await c.kubectl(["certificate", "deny", "bob"]);
  const jane = JSON.parse((await c.kubectl(["get", "csr", "jane", "-o", "json"])).stdout);
  assert.equal(jane.spec.username, "admin");
  assert.deepEqual(jane.status.conditions.map((x: { type: string; reason: string }) => [x.type, x.reason]), [["Approved", "KubectlApprove"]]);
  assert.match((await c.kubectl(["certificate", "deny", "jane"], { allowFail: true })).stderr, /already Approved/);
  // Approval cannot be faked through /status, nor taken back.
  const faked = await c.kubectl(["patch", "csr", "bob", "--subresource=status", "--type=merge", "-p", '{"status":{"conditions":[{"type":"Approved","status":"True"}]}}'], { allowFail: true });
  assert.match(faked.stderr, /status\.conditions: Forbidden: updates may not remove a condition of type "Denied"/);
  assert.match(faked.stderr, /status\.conditions: Forbidden: updates may not add a condition of type "Approved"/);
  // The signer's part: the certificate, once.
  const { cert } = await servingCert("CN=jane,O=dev", ["jane.example"]);
  await c.kubectl(["patch", "csr", "jane", "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { certificate: Buffer.from(cert).toString("base64") } })]);
  assert.match((await c.kubectl(["get", "csr", "--field-selector", "spec.signerName=example.com/my-signer"])).stdout, /bob\s+.*Denied\njane\s+.*Approved,Issued$/m);
  const again = await c.kubectl(["patch", "csr", "jane", "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { certificate: Buffer.from(cert + cert).toString("base64") } })], { allowFail: true });
  assert.match(again.stderr, /status\.certificate: Forbidden: updates may not modify existing certificate content/);
  const garbage = await c.kubectl(["apply", "-f", "-"], { input: manifest("junk", "hello").replace("example.com/my-signer", "nodomain"), allowFail: true });
  assert.match(garbage.stderr, /spec\.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/);
  assert.match(garbage.stderr, /spec\.signerName: Invalid value: "nodomain": must be a fully qualified domain and path/);
  assert.match((await c.kubectl(["describe", "csr", "jane"])).stdout, /Common Name:\s+jane[\s\S]*Organization:\s+dev/);
  // A request changed after it was signed (jane renamed to jana) fails its signature check.
  const der = Buffer.from(pemBlocks(csr)[0].der);
  der[der.indexOf("jane") + 3] = "a".charCodeAt(0);
  const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
  const refusedForgery = await c.kubectl(["apply", "-f", "-"], { input: manifest("forged", forged), allowFail: true });
  assert.match(refusedForgery.stderr, /The CertificateSigningRequest "forged" is invalid: spec\.request: Invalid value: .*: x509: ECDSA verification failure/);
  await c.kubectl(["delete", "csr", "jane", "bob"]);
});

test("API Priority and Fairness configuration: the objects every cluster starts with, defaults, validation, and MISSINGPL following the priority level", async () => {
  const fs = (await c.kubectl(["get", "flowschemas"])).stdout;
  assert.match(fs, /^NAME\s+PRIORITYLEVEL\s+MATCHINGPRECEDENCE\s+DISTINGUISHERMETHOD\s+AGE\s+MISSINGPL$/m);
  assert.match(fs, /^exempt\s+exempt\s+1\s+<none>\s+\S+\s+False$/m);
  assert.match(fs, /^catch-all\s+catch-all\s+10000\s+ByUser\s+\S+\s+False$/m);
  assert.match(fs, /^kube-controller-manager\s+workload-high\s+800\s+ByNamespace\s+\S+\s+False$/m);
  assert.equal(fs.trim().split("\n").length, 14, "13 flow schemas, as a 1.30 cluster has");
  const pl = (await c.kubectl(["get", "prioritylevelconfigurations"])).stdout;
  assert.match(pl, /^NAME\s+TYPE\s+NOMINALCONCURRENCYSHARES\s+QUEUES\s+HANDSIZE\s+QUEUELENGTHLIMIT\s+AGE$/m);
  assert.match(pl, /^exempt\s+Exempt\s+<none>\s+<none>\s+<none>\s+<none>\s+\S+$/m);
  assert.match(pl, /^workload-low\s+Limited\s+100\s+128\s+6\s+50\s+\S+$/m);

  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: flowcontrol.apiserver.k8s.io/v1
kind: FlowSchema
metadata: {name: builders}
spec:
  priorityLevelConfiguration: {name: builds}
  distinguisherMethod: {type: ByUser}
  rules:
  - subjects: [{kind: ServiceAccount, serviceAccount: {namespace: ci, name: builder}}]
    resourceRules: [{verbs: ["*"], apiGroups: ["*"], resources: ["*"], namespaces: [ci]}]
`,
  });
  await eventually(async () => /^builders\s+builds\s+1000\s+ByUser\s+\S+\s+True$/m.test((await c.kubectl(["get", "flowschema", "builders"])).stdout), 10_000, "the missing priority level reported");
  await c.kubectl(["apply", "-f", "-"], { input: "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nmetadata: {name: builds}\nspec: {type: Limited, limited: {limitResponse: {type: Queue, queuing: {queues: 16}}}}\n" });
  assert.match((await c.kubectl(["get", "prioritylevelconfiguration", "builds"])).stdout, /^builds\s+Limited\s+30\s+16\s+8\s+50\s+\S+$/m, "defaults");
  await eventually(async () => /^builders\s+builds\s+.*False$/m.test((await c.kubectl(["get", "flowschema", "builders"])).stdout), 10_000, "the priority level found");

  const bad = await c.kubectl(["apply", "-f", "-"], {
    input: "apiVersion: flowcontrol.apiserver.k8s.io/v1\nkind: PriorityLevelConfiguration\nmetadata: {name: loose}\nspec: {type: Exempt, limited: {lendablePercent: 150, limitResponse: {type: Queue, queuing: {queues: 2, handSize: 4}}}}\n",
    allowFail: true,
  });
  assert.match(bad.stderr, /spec\.type: Invalid value: "Exempt": type must be 'Exempt' if and only if name is 'exempt'/);
  assert.match(bad.stderr, /spec\.limited\.lendablePercent: Invalid value: 150: must be between 0 and 100, inclusive/);
  assert.match(bad.stderr, /spec\.limited\.limitResponse\.queuing\.handSize: Invalid value: 4: should not be greater than queues \(2\)/);
  await c.kubectl(["delete", "flowschema/builders", "prioritylevelconfiguration/builds"]);
  // The mandatory and suggested objects are maintained: deleting one does not stick.
  await c.kubectl(["delete", "flowschema", "catch-all"]);
  await eventually(async () => (await c.kubectl(["get", "flowschema", "catch-all"], { allowFail: true })).code === 0, 10_000, "catch-all restored");
});
