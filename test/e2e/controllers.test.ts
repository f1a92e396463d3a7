/**
 * The scheduler/controller-manager issue's acceptance: real kubectl against
 * the local control plane, with fake nodes playing kubelet.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { FakeNodes } from "../../src/cli/fake-nodes.js";

let c: TestCluster;
let nodes: FakeNodes;
const extra: FakeNodes[] = [];

before(async () => {
  // A short grace for node lifecycle so the NotReady test does not wait 40 s + 300 s.
  c = await startCluster({ bindings: { NODE_MONITOR_GRACE_SECONDS: "6", POD_EVICTION_SECONDS: "2" } });
  nodes = new FakeNodes({ kubeconfig: c.kubeconfig, count: 3, prefix: "node", leaseIntervalMs: 1000, labels: { pool: "base" } });
  await nodes.start();
});
after(async () => {
  for (const n of [nodes, ...extra]) await n?.stop().catch(() => {});
  await c?.dispose();
});

type Pod = { metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { name: string }[] }; spec: { nodeName?: string; containers: { image: string }[] }; status: { phase?: string } };
async function pods(selector: string, ns = "default"): Promise<Pod[]> {
  const r = await c.kubectl(["get", "pods", "-n", ns, "-l", selector, "-o", "json"]);
  return (JSON.parse(r.stdout).items as Pod[]).filter((p) => !(p.metadata as { deletionTimestamp?: string }).deletionTimestamp);
}
const running = (ps: Pod[]) => ps.filter((p) => p.status.phase === "Running");

function deployment(name: string, image: string, replicas: number, extraSpec = "") {
  const file = join(c.home, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
${extraSpec}      containers:
      - name: main
        image: ${image}
        resources:
          requests:
            cpu: 100m
`,
  );
  return file;
}

test("a 5-replica Deployment runs, spread across nodes; scale; rolling update; undo; rollout status", async () => {
  const started = Date.now();
  await c.kubectl(["apply", "-f", deployment("web", "nginx:1.25", 5)]);
  const ps = await eventually(async () => {
    const p = running(await pods("app=web"));
    return p.length === 5 ? p : undefined;
  }, 10_000, "5 running pods");
  const elapsed = Date.now() - started;
  console.log(`# 5 replicas Running ${elapsed} ms after kubectl apply`);
  assert.equal(new Set(ps.map((p) => p.spec.nodeName)).size, 3, "spread across the 3 nodes");
  await c.kubectl(["scale", "deploy/web", "--replicas=10"]);
  await eventually(async () => running(await pods("app=web")).length === 10, 10_000, "10 running");
  await c.kubectl(["scale", "deploy/web", "--replicas=5"]);
  await eventually(async () => (await pods("app=web")).length === 5, 10_000, "back to 5");
  await c.kubectl(["set", "image", "deploy/web", "main=nginx:1.26"]);
  const status = await c.kubectl(["rollout", "status", "deploy/web", "--timeout=30s"]);
  assert.match(status.stdout, /successfully rolled out/);
  assert.ok((await pods("app=web")).every((p) => p.spec.containers[0].image === "nginx:1.26"));
  const history = await c.kubectl(["rollout", "history", "deploy/web"]);
  assert.match(history.stdout, /^1\s/m);
  assert.match(history.stdout, /^2\s/m);
  await c.kubectl(["rollout", "undo", "deploy/web"]);
  await c.kubectl(["rollout", "status", "deploy/web", "--timeout=30s"]);
  const after = running(await pods("app=web"));
  assert.equal(after.length, 5);
  assert.ok(after.every((p) => p.spec.containers[0].image === "nginx:1.25"), "undo returned to the previous template");
  const rs = JSON.parse((await c.kubectl(["get", "rs", "-l", "app=web", "-o", "json"])).stdout).items;
  assert.equal(rs.length, 2, "undo reused the old ReplicaSet");
});

test("an unschedulable pod waits with FailedScheduling, then a big node takes it", async () => {
  const file = join(c.home, "big.yaml");
  writeFileSync(file, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n  - name: c\n    image: busybox\n    resources:\n      requests:\n        cpu: \"64\"\n");
  await c.kubectl(["apply", "-f", file]);
  await eventually(async () => {
    const ev = await c.kubectl(["get", "events", "--field-selector", "involvedObject.name=big,reason=FailedScheduling", "-o", "json"]);
    const items = JSON.parse(ev.stdout).items as { message: string }[];
    return items.length > 0 && /0\/3 nodes are available: 3 Insufficient cpu/.test(items[0].message);
  }, 10_000, "FailedScheduling event");
  const desc = await c.kubectl(["describe", "pod", "big"]);
  assert.match(desc.stdout, /FailedScheduling/);
  const big = new FakeNodes({ kubeconfig: c.kubeconfig, count: 1, prefix: "big", cpu: "128", leaseIntervalMs: 1000 });
  extra.push(big);
  await big.start();
  await eventually(async () => {
    const p = JSON.parse((await c.kubectl(["get", "pod", "big", "-o", "json"])).stdout);
    return p.spec.nodeName === "big-0" && p.status.phase === "Running";
  }, 10_000, "big pod on the big node");
  await c.kubectl(["delete", "pod", "big", "--wait=false"]);
});

test("nodeSelector, taints and tolerations, required anti-affinity", async () => {
  await c.kubectl(["label", "node", "node-2", "disk=ssd"]);
  await c.kubectl(["apply", "-f", deployment("ssd", "busybox", 2, "      nodeSelector:\n        disk: ssd\n")]);
  await eventually(async () => {
    const p = running(await pods("app=ssd"));
    return p.length === 2 && p.every((x) => x.spec.nodeName === "node-2");
  }, 10_000, "ssd pods on node-2");
  await c.kubectl(["taint", "node", "node-0", "dedicated=infra:NoSchedule"]);
  await c.kubectl(["apply", "-f", deployment("plain", "busybox", 4)]);
  await eventually(async () => {
    const p = running(await pods("app=plain"));
    return p.length === 4 && p.every((x) => x.spec.nodeName !== "node-0") ? p : undefined;
  }, 10_000, "untolerating pods avoid the tainted node");
  await c.kubectl(["apply", "-f", deployment("tol", "busybox", 1, "      nodeSelector:\n        kubernetes.io/hostname: node-0\n      tolerations:\n      - key: dedicated\n        operator: Equal\n        value: infra\n        effect: NoSchedule\n")]);
  await eventually(async () => running(await pods("app=tol"))[0]?.spec.nodeName === "node-0", 10_000, "tolerating pod on node-0");
  await c.kubectl(["taint", "node", "node-0", "dedicated-"]);
  const anti = "      affinity:\n        podAntiAffinity:\n          requiredDuringSchedulingIgnoredDuringExecution:\n          - labelSelector:\n              matchLabels:\n                app: one\n            topologyKey: kubernetes.io/hostname\n      nodeSelector:\n        pool: base\n";
  await c.kubectl(["apply", "-f", deployment("one", "busybox", 4, anti)]);
  await eventually(async () => {
    const all = await pods("app=one");
    const r = running(all);
    return r.length === 3 && new Set(r.map((p) => p.spec.nodeName)).size === 3 && all.length === 4;
  }, 10_000, "one pod per node; the 4th pending");
  for (const d of ["ssd", "plain", "tol", "one"]) await c.kubectl(["delete", "deploy", d]);
});

test("deleting a Deployment removes its ReplicaSets and pods; --cascade=orphan keeps them", async () => {
  await c.kubectl(["apply", "-f", deployment("gone", "busybox", 2)]);
  await eventually(async () => running(await pods("app=gone")).length === 2, 10_000, "2 running");
  await c.kubectl(["delete", "deploy", "gone"]);
  await eventually(async () => (await pods("app=gone")).length === 0, 10_000, "pods gone");
  assert.equal(JSON.parse((await c.kubectl(["get", "rs", "-l", "app=gone", "-o", "json"])).stdout).items.length, 0);
  await c.kubectl(["apply", "-f", deployment("kept", "busybox", 2)]);
  await eventually(async () => running(await pods("app=kept")).length === 2, 10_000, "2 running");
  await c.kubectl(["delete", "deploy", "kept", "--cascade=orphan"]);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(running(await pods("app=kept")).length, 2, "orphaned pods stay");
  assert.equal(JSON.parse((await c.kubectl(["get", "rs", "-l", "app=kept", "-o", "json"])).stdout).items.length, 1);
});

test("DaemonSet: one pod per node, and on a new node", async () => {
  const file = join(c.home, "ds.yaml");
  writeFileSync(file, "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      nodeSelector:\n        type: fake\n      containers:\n      - name: a\n        image: busybox\n");
  await c.kubectl(["apply", "-f", file]);
  const count = async () => running(await pods("app=agent")).length;
  const base = (await c.kubectl(["get", "nodes", "-l", "type=fake", "-o", "name"])).stdout.trim().split("\n").length;
  await eventually(async () => (await count()) === base, 10_000, `${base} daemon pods`);
  const more = new FakeNodes({ kubeconfig: c.kubeconfig, count: 1, prefix: "late", leaseIntervalMs: 1000 });
  extra.push(more);
  await more.start();
  await eventually(async () => (await count()) === base + 1, 10_000, "a pod on the new node");
});

test("Job with completions=3 completes; StatefulSet web-0..2 in order with PVCs", async () => {
  const job = join(c.home, "job.yaml");
  writeFileSync(job, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  completions: 3\n  parallelism: 1\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: busybox\n");
  await c.kubectl(["apply", "-f", job]);
  // Fake nodes run pods forever: play the container exiting successfully.
  const finish = async () => {
    for (const p of await pods("job-name=pi")) {
      if (p.status.phase === "Running") await c.api(`/api/v1/namespaces/default/pods/${p.metadata.name}/status`, { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ status: { phase: "Succeeded", conditions: [{ type: "Ready", status: "False" }], containerStatuses: [{ name: "pi", ready: false, restartCount: 0, image: "busybox", imageID: "", state: { terminated: { exitCode: 0, reason: "Completed" } } }] } }) });
    }
  };
  await eventually(async () => {
    await finish();
    const j = JSON.parse((await c.kubectl(["get", "job", "pi", "-o", "json"])).stdout);
    return j.status.succeeded === 3 && j.status.conditions?.some((x: { type: string; status: string }) => x.type === "Complete" && x.status === "True");
  }, 20_000, "job complete");
  const sts = join(c.home, "sts.yaml");
  writeFileSync(sts, "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  serviceName: web\n  replicas: 3\n  selector:\n    matchLabels:\n      app: sts\n  template:\n    metadata:\n      labels:\n        app: sts\n    spec:\n      containers:\n      - name: c\n        image: busybox\n  volumeClaimTemplates:\n  - metadata:\n      name: data\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 1Gi\n");
  await c.kubectl(["apply", "-f", sts]);
  await eventually(async () => running(await pods("app=sts")).length === 3, 15_000, "3 stateful pods");
  const names = (await pods("app=sts")).map((p) => p.metadata.name).sort();
  assert.deepEqual(names, ["web-0", "web-1", "web-2"]);
  const pvcs = JSON.parse((await c.kubectl(["get", "pvc", "-o", "json"])).stdout).items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
  assert.deepEqual(pvcs, ["data-web-0", "data-web-1", "data-web-2"]);
  const created = (await Promise.all(names.map(async (n) => JSON.parse((await c.kubectl(["get", "pod", n, "-o", "json"])).stdout).metadata.creationTimestamp as string)));
  assert.ok(created[0] <= created[1] && created[1] <= created[2], "created in order");
});

test("StatefulSet and DaemonSet: kubectl rollout history lists ControllerRevisions; rollout undo goes back", async () => {
  const image = async (res: string) => (await c.kubectl(["get", res, "-o", "jsonpath={.spec.template.spec.containers[0].image}"])).stdout;
  // A rollout that does not finish says why: the pods, claims, nodes and recent events go into the failure.
  const rolloutStatus = async (res: string) => {
    try {
      await c.kubectl(["rollout", "status", res, "--timeout=60s"]);
    } catch (e) {
      const state = await c.kubectl(["get", "sts,ds,pods,pvc,nodes", "-o", "wide"], { allowFail: true });
      const events = await c.kubectl(["get", "events", "--sort-by=.lastTimestamp"], { allowFail: true });
      throw new Error(`${(e as Error).message}\n${state.stdout}\n${events.stdout.split("\n").slice(-30).join("\n")}`);
    }
  };
  for (const [res, container] of [["sts/web", "c"], ["ds/agent", "a"]] as const) {
    await c.kubectl(["set", "image", res, `${container}=busybox:2`]);
    await rolloutStatus(res);
    const history = (await c.kubectl(["rollout", "history", res])).stdout;
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/, history);
    const first = (await c.kubectl(["rollout", "history", res, "--revision=1"])).stdout;
    assert.match(first, /with revision #1/);
    assert.match(first, /Image:\s+busybox\n/);
    assert.match((await c.kubectl(["rollout", "undo", res])).stdout, /rolled back/);
    assert.equal(await image(res), "busybox");
    await rolloutStatus(res);
    // The first template is the newest revision again (renumbered), as Kubernetes keeps history.
    assert.match((await c.kubectl(["rollout", "history", res])).stdout, /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/);
  }
  const revisions = (await c.kubectl(["get", "controllerrevisions"])).stdout;
  assert.match(revisions, /^NAME\s+CONTROLLER\s+REVISION\s+AGE$/m);
  assert.match(revisions, /^web-\S+\s+statefulset\.apps\/web\s+3\s/m);
  assert.match(revisions, /^agent-\S+\s+daemonset\.apps\/agent\s+3\s/m);
  assert.equal(running(await pods("app=sts")).filter((p) => p.spec.containers[0].image === "busybox").length, 3);
});

test("a node that stops heartbeating turns NotReady and its pods are recreated elsewhere", async () => {
  const lonely = new FakeNodes({ kubeconfig: c.kubeconfig, count: 1, prefix: "lonely", leaseIntervalMs: 1000, labels: { pool: "lonely" } });
  await lonely.start();
  await c.kubectl(["cordon", "-l", "pool!=lonely"]);
  await c.kubectl(["apply", "-f", deployment("moving", "busybox", 2)]);
  await eventually(async () => {
    const p = running(await pods("app=moving"));
    return p.length === 2 && p.every((x) => x.spec.nodeName === "lonely-0");
  }, 10_000, "pods on lonely-0");
  await c.kubectl(["uncordon", "-l", "pool!=lonely"]);
  await lonely.stop();
  await eventually(async () => {
    const n = JSON.parse((await c.kubectl(["get", "node", "lonely-0", "-o", "json"])).stdout);
    return n.status.conditions.find((x: { type: string }) => x.type === "Ready").status === "Unknown";
  }, 20_000, "lonely-0 NotReady");
  assert.match((await c.kubectl(["get", "node", "lonely-0"])).stdout, /NotReady/);
  await eventually(async () => {
    const p = running(await pods("app=moving"));
    return p.length === 2 && p.every((x) => x.spec.nodeName !== "lonely-0");
  }, 30_000, "pods recreated on other nodes");
});

test("evictions and kubectl drain respect a PodDisruptionBudget", async () => {
  const drained = new FakeNodes({ kubeconfig: c.kubeconfig, count: 1, prefix: "drained", leaseIntervalMs: 1000, labels: { pool: "drained" } });
  extra.push(drained);
  await drained.start();
  await c.kubectl(["cordon", "-l", "pool!=drained"]);
  try {
    await c.kubectl(["apply", "-f", deployment("guarded", "busybox", 2)]);
    await eventually(async () => {
      const p = running(await pods("app=guarded"));
      return p.length === 2 && p.every((x) => x.spec.nodeName === "drained-0");
    }, 15_000, "both pods on drained-0");
  } finally {
    await c.kubectl(["uncordon", "-l", "pool!=drained"]);
  }
  await c.kubectl(["create", "poddisruptionbudget", "guarded", "--selector=app=guarded", "--min-available=1"]);
  try {
    await eventually(async () => /^guarded\s+1\s+N\/A\s+1\s/m.test((await c.kubectl(["get", "pdb", "guarded"])).stdout), 15_000, "the budget allows one disruption");
  } catch (e) {
    throw new Error(`${(e as Error).message}: ${(await c.kubectl(["get", "pdb", "guarded", "-o", "yaml"])).stdout} ${(await c.kubectl(["get", "pods", "-l", "app=guarded", "-o", "yaml"])).stdout.slice(0, 3000)}`);
  }
  const [a, b] = await pods("app=guarded");
  const evict = (name: string) => c.api(`/api/v1/namespaces/default/pods/${name}/eviction`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiVersion: "policy/v1", kind: "Eviction", metadata: { name } }) });
  assert.equal((await evict(a.metadata.name)).status, 201, "the first eviction spends the budget");
  const refused = await evict(b.metadata.name);
  assert.equal(refused.status, 429);
  const st = (await refused.json()) as { message: string; details: { causes: { reason: string; message: string }[] } };
  assert.equal(st.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.equal(st.details.causes[0].reason, "DisruptionBudget");
  // kubectl drain retries refused evictions until the replacement is healthy elsewhere.
  const drain = await c.kubectl(["drain", "drained-0", "--ignore-daemonsets", "--timeout=90s"], { allowFail: true });
  assert.equal(drain.code, 0, drain.stderr + drain.stdout);
  assert.match(drain.stdout, /node\/drained-0 drained/);
  await eventually(async () => {
    const p = running(await pods("app=guarded"));
    return p.length === 2 && p.every((x) => x.spec.nodeName !== "drained-0");
  }, 30_000, "the Deployment's pods run elsewhere");
  await c.kubectl(["delete", "deployment,pdb", "guarded"]);
});

test("a live node the control plane marked Unknown posts Ready again, as the kubelet's status loop does", async () => {
  const phoenix = new FakeNodes({ kubeconfig: c.kubeconfig, count: 1, prefix: "phoenix", leaseIntervalMs: 1000 });
  extra.push(phoenix);
  await phoenix.start();
  const node = async () => JSON.parse((await c.kubectl(["get", "node", "phoenix-0", "-o", "json"])).stdout) as { spec: { taints?: { key: string }[] }; status: { conditions: { type: string; status: string }[] } };
  const ready = async () => (await node()).status.conditions.find((x) => x.type === "Ready")?.status;
  await eventually(async () => (await ready()) === "True", 10_000, "phoenix-0 Ready");
  await c.kubectl(["patch", "node", "phoenix-0", "--subresource=status", "-p", JSON.stringify({ status: { conditions: [{ type: "Ready", status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." }] } })]);
  await eventually(async () => (await ready()) === "True", 10_000, "phoenix-0 Ready again");
  await eventually(async () => !(await node()).spec.taints?.some((t) => t.key.startsWith("node.kubernetes.io/")) || undefined, 10_000, "no lifecycle taints left");
});

test("ReplicaSet events are from replicaset-controller and, past 9 of them, combined as client-go does", async () => {
  await c.kubectl(["create", "namespace", "evts"]);
  await c.kubectl(["create", "deployment", "many", "--image=busybox", "--replicas=12", "-n", "evts"]);
  type Ev = { count: number; message: string; source: { component: string }; involvedObject: { kind: string } };
  const events = await eventually(async () => {
    const all = JSON.parse((await c.kubectl(["get", "events", "-n", "evts", "--field-selector", "reason=SuccessfulCreate", "-o", "json"])).stdout).items as Ev[];
    const ofRs = all.filter((e) => e.involvedObject.kind === "ReplicaSet");
    return ofRs.reduce((n, e) => n + e.count, 0) === 12 ? ofRs : undefined;
  }, 15_000, "12 SuccessfulCreate counted");
  assert.ok(events.every((e) => e.source.component === "replicaset-controller"));
  const combined = events.filter((e) => e.message.startsWith("(combined from similar events): Created pod: many-"));
  assert.equal(events.length - combined.length, 9, "nine single events");
  assert.equal(combined.length, 1);
  assert.equal(combined[0].count, 3);
  const described = (await c.kubectl(["describe", "rs", "-n", "evts", "-l", "app=many"])).stdout;
  assert.match(described, /SuccessfulCreate\s+\S+\s+replicaset-controller\s+Created pod: many-/);
  assert.match(described, /SuccessfulCreate\s+\S+ \(x3 over \S+\)\s+replicaset-controller\s+\(combined from similar events\): Created pod: many-/);
  await c.kubectl(["delete", "namespace", "evts", "--wait=false"]);
});

test("deleting a namespace deletes its contents, then the namespace", async () => {
  await c.kubectl(["create", "namespace", "tmp"]);
  await c.kubectl(["create", "deployment", "x", "--image=busybox", "--replicas=2", "-n", "tmp"]);
  await eventually(async () => running(await pods("app=x", "tmp")).length === 2, 10_000, "2 running in tmp");
  await c.kubectl(["delete", "namespace", "tmp", "--timeout=30s"]);
  const r = await c.kubectl(["get", "namespace", "tmp"], { allowFail: true });
  assert.match(r.stderr, /not found/);
});

test("componentstatuses: scheduler and controller-manager are healthy", async () => {
  await c.runCron();
  const r = await c.kubectl(["get", "componentstatuses"]);
  assert.match(r.stdout, /scheduler\s+Healthy/);
  assert.match(r.stdout, /controller-manager\s+Healthy/);
});

test("the HPA scales a Deployment on cpu utilisation from PodMetrics; kubectl top reads them", async () => {
  await c.kubectl(["apply", "-f", deployment("busy", "busybox", 2)]);
  await eventually(async () => running(await pods("app=busy")).length === 2, 10_000, "2 running");
  const hpa = join(c.home, "hpa.yaml");
  writeFileSync(hpa, "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: busy\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: busy\n  minReplicas: 1\n  maxReplicas: 6\n  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n      target:\n        type: Utilization\n        averageUtilization: 50\n");
  await c.kubectl(["apply", "-f", hpa]);
  // Play the node agents (and metrics-server, which copies pod labels): each pod uses 150m of its 100m request (150 %).
  const report = async () => {
    for (const p of running(await pods("app=busy"))) {
      const body = { apiVersion: "metrics.k8s.io/v1beta1", kind: "PodMetrics", metadata: { name: p.metadata.name, namespace: "default", labels: p.metadata.labels }, timestamp: new Date().toISOString(), window: "10s", containers: [{ name: "main", usage: { cpu: "150m", memory: "20Mi" } }] };
      const r = await c.api("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      if (r.status === 409) await c.api(`/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/${p.metadata.name}`, { method: "PATCH", headers: { "content-type": "application/merge-patch+json" }, body: JSON.stringify({ timestamp: body.timestamp, containers: body.containers }) });
    }
  };
  await eventually(async () => {
    await report();
    const d = JSON.parse((await c.kubectl(["get", "deploy", "busy", "-o", "json"])).stdout);
    return d.spec.replicas > 2;
  }, 40_000, "HPA scaled up");
  const h = JSON.parse((await c.kubectl(["get", "hpa", "busy", "-o", "json"])).stdout);
  assert.equal(h.status.currentMetrics[0].resource.current.averageUtilization, 150);
  const events = await c.kubectl(["get", "events", "--field-selector", "reason=SuccessfulRescale"]);
  assert.match(events.stdout, /New size: \d+; reason: cpu resource utilization \(percentage of request\) above target/);
  const top = await c.kubectl(["top", "pods", "-l", "app=busy"]);
  assert.match(top.stdout, /NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
  assert.match(top.stdout, /busy-\S+\s+150m\s+20Mi/);
});

test("kubectl autoscale (autoscaling/v1, every kubectl) works: v1 is a converted view of the v2 object, and writes through it lose nothing", async () => {
  await c.kubectl(["apply", "-f", deployment("auto", "busybox", 1)]);
  const created = await c.kubectl(["autoscale", "deployment", "auto", "--min=2", "--max=5", "--cpu-percent=60"]);
  assert.match(created.stdout, /horizontalpodautoscaler.autoscaling\/auto autoscaled/);
  const v2 = async () => JSON.parse((await c.kubectl(["get", "hpa", "auto", "-o", "json"])).stdout);
  let h = await v2();
  assert.equal(h.apiVersion, "autoscaling/v2");
  assert.deepEqual(h.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } }]);
  assert.equal(h.spec.minReplicas, 2);

  const v1 = JSON.parse((await c.kubectl(["get", "horizontalpodautoscalers.v1.autoscaling", "auto", "-o", "json"])).stdout);
  assert.equal(v1.apiVersion, "autoscaling/v1");
  assert.equal(v1.spec.targetCPUUtilizationPercentage, 60);
  assert.equal(v1.spec.metrics, undefined);

  // A patch sent to v1 applies to the object as v1 shows it.
  await c.kubectl(["patch", "horizontalpodautoscalers.v1.autoscaling", "auto", "--type=merge", "-p", '{"spec":{"targetCPUUtilizationPercentage":75}}']);
  await c.kubectl(["patch", "horizontalpodautoscalers.v1.autoscaling", "auto", "--type=json", "-p", '[{"op":"replace","path":"/spec/maxReplicas","value":7}]']);
  h = await v2();
  assert.equal(h.spec.metrics[0].resource.target.averageUtilization, 75);
  assert.equal(h.spec.maxReplicas, 7);

  // What v1 cannot say (a memory metric, behavior) survives a v1 read-modify-write through the round-trip annotations.
  await c.kubectl(["patch", "hpa", "auto", "--type=merge", "-p", JSON.stringify({ spec: { behavior: { scaleDown: { stabilizationWindowSeconds: 30 } }, metrics: [...h.spec.metrics, { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "64Mi" } } }] } })]);
  const back = JSON.parse((await c.kubectl(["get", "horizontalpodautoscalers.v1.autoscaling", "auto", "-o", "json"])).stdout);
  assert.match(back.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"], /"memory"/);
  back.spec.minReplicas = 3;
  await c.kubectl(["replace", "-f", "-"], { input: JSON.stringify(back) });
  h = await v2();
  assert.equal(h.spec.minReplicas, 3);
  assert.deepEqual(h.spec.metrics.map((m: { resource: { name: string } }) => m.resource.name).sort(), ["cpu", "memory"]);
  assert.deepEqual(h.spec.behavior.scaleDown.stabilizationWindowSeconds, 30);
  assert.equal(Object.keys(h.metadata.annotations ?? {}).filter((k) => k.startsWith("autoscaling.alpha")).length, 0, "round-trip annotations are not stored");

  // A v1 manifest applied twice is patched, not replaced; unknown fields are refused under Strict.
  const file = join(c.home, "hpa-v1.yaml");
  const manifest = (cpu: number) => `apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: auto1\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: auto\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: ${cpu}\n`;
  writeFileSync(file, manifest(40));
  await c.kubectl(["apply", "-f", file]);
  writeFileSync(file, manifest(45));
  assert.match((await c.kubectl(["apply", "-f", file])).stdout, /auto1 configured/);
  assert.equal(JSON.parse((await c.kubectl(["get", "hpa", "auto1", "-o", "json"])).stdout).spec.metrics[0].resource.target.averageUtilization, 45);
  writeFileSync(file, manifest(45).replace("maxReplicas: 4", "maxReplicas: 4\n  targetMemory: 1"));
  const bad = await c.kubectl(["apply", "-f", file, "--validate=strict"], { allowFail: true });
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /targetMemory/);

  assert.match((await c.kubectl(["explain", "hpa.spec", "--api-version=autoscaling/v1"])).stdout, /targetCPUUtilizationPercentage/);
  await c.kubectl(["delete", "horizontalpodautoscalers.v1.autoscaling", "auto", "auto1"]);
  assert.doesNotMatch((await c.kubectl(["get", "hpa", "-o", "name"])).stdout, /\/auto1?$/m);
});

test("a ReplicationController (the architecture articles' replication controller) keeps its pods, scales, and takes them along when deleted", async () => {
  const rc = `apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  template:
    metadata:
      name: nginx
      labels:
        app: nginx-rc
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
`;
  await c.kubectl(["apply", "-f", "-"], { input: rc });
  await eventually(async () => running(await pods("app=nginx-rc")).length === 3, 15_000, "3 pods of the rc");
  const got = JSON.parse((await c.kubectl(["get", "rc", "nginx", "-o", "json"])).stdout);
  assert.deepEqual(got.spec.selector, { app: "nginx-rc" }, "the selector defaults to the template's labels");
  assert.deepEqual(got.metadata.labels, { app: "nginx-rc" });
  await eventually(async () => /^nginx\s+3\s+3\s+3\s+\S+\s+nginx\s+nginx\s+app=nginx-rc$/m.test((await c.kubectl(["get", "rc", "-o", "wide"])).stdout), 10_000, "kubectl get rc -o wide: NAME DESIRED CURRENT READY AGE CONTAINERS IMAGES SELECTOR");
  await c.kubectl(["scale", "rc", "nginx", "--replicas=5"]);
  await eventually(async () => running(await pods("app=nginx-rc")).length === 5, 15_000, "scaled to 5");
  // A pod deleted by hand is replaced.
  const victim = (await pods("app=nginx-rc"))[0].metadata.name;
  await c.kubectl(["delete", "pod", victim, "--wait=false"]);
  await eventually(async () => {
    const p = running(await pods("app=nginx-rc"));
    return p.length === 5 && !p.some((x) => x.metadata.name === victim);
  }, 15_000, "the deleted pod replaced");
  assert.match((await c.kubectl(["get", "all"])).stdout, /replicationcontroller\/nginx\s+5\s+5\s+/);
  const bad = await c.kubectl(["apply", "-f", "-"], { input: rc.replace("spec:\n  replicas: 3", "spec:\n  replicas: 1\n  selector: {app: other}").replace("name: nginx\nspec", "name: bad-rc\nspec"), allowFail: true });
  assert.match(bad.stderr, /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
  await c.kubectl(["delete", "rc", "nginx"]);
  await eventually(async () => (await pods("app=nginx-rc")).length === 0, 20_000, "the rc's pods gone with it");
});
