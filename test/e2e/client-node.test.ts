/**
 * The official JavaScript client (@kubernetes/client-node), unmodified, lists
 * and runs an informer (list + watch) against the local control plane.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";

let c: TestCluster;
before(async () => {
  c = await startCluster();
});
after(async () => c?.dispose());

test("client-node lists, creates and follows changes with an informer", async () => {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(c.kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nsList = await core.listNamespace();
  assert.ok(nsList.items.some((n) => n.metadata?.name === "kube-system"));
  await core.createNamespace({ body: { metadata: { name: "informed" } } });

  const seen: string[] = [];
  const informer = k8s.makeInformer(kc, "/api/v1/namespaces/informed/configmaps", () => core.listNamespacedConfigMap({ namespace: "informed" }));
  informer.on("add", (o: k8s.V1ConfigMap) => seen.push(`add ${o.metadata?.name}`));
  informer.on("update", (o: k8s.V1ConfigMap) => seen.push(`update ${o.metadata?.name} ${o.data?.v}`));
  informer.on("delete", (o: k8s.V1ConfigMap) => seen.push(`delete ${o.metadata?.name}`));
  await core.createNamespacedConfigMap({ namespace: "informed", body: { metadata: { name: "pre" }, data: { v: "0" } } });
  await informer.start();
  try {
    await eventually(() => seen.includes("add pre"), 10_000, "initial list");
    await core.createNamespacedConfigMap({ namespace: "informed", body: { metadata: { name: "live" }, data: { v: "1" } } });
    await core.patchNamespacedConfigMap(
      { namespace: "informed", name: "live", body: { data: { v: "2" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ namespace: "informed", name: "pre" });
    await eventually(() => seen.includes("add live") && seen.includes("update live 2") && seen.includes("delete pre"), 10_000, `informer events (saw ${seen.join(", ")})`);
    const cached = informer.list("informed").map((o) => o.metadata?.name).filter((n) => n !== "kube-root-ca.crt");
    assert.deepEqual(cached, ["live"]);
  } finally {
    await informer.stop();
  }
});
