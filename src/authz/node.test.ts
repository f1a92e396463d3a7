import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeAuthorize, selectsNode, type NodeLookups } from "./node.js";
import type { RequestInfo } from "../apiserver/request-info.js";
import type { KObject } from "../registry/types.js";

const n1 = { username: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };
const res = (verb: string, group: string, resource: string, ns: string, name = "", sub = "", fieldSelector?: string): RequestInfo => ({ isResourceRequest: true, verb, group, version: "v1", resource, subresource: sub, name, namespace: ns, allNamespaces: !ns, fieldSelector });

const pod: KObject = {
  metadata: { name: "p1", namespace: "default" },
  spec: { nodeName: "n1", serviceAccountName: "builder", volumes: [{ configMap: { name: "cfg" } }, { persistentVolumeClaim: { claimName: "data" } }], containers: [{ envFrom: [{ secretRef: { name: "s1" } }] }] },
};

function lookups(pods: KObject[]): NodeLookups & { calls: boolean[] } {
  const calls: boolean[] = [];
  return {
    calls,
    async pods(node, ns, fresh) {
      calls.push(fresh);
      return pods.filter((p) => (p.spec as { nodeName?: string }).nodeName === node && (ns === undefined || p.metadata.namespace === ns));
    },
    claimVolume: async (_ns, claim) => (claim === "data" ? "pv-1" : undefined),
    ingresses: async (ns) => (ns === "default" ? [{ metadata: { name: "site", namespace: "default" }, spec: { tls: [{ hosts: ["a.example"], secretName: "site-tls" }] } }] : []),
  };
}

test("own Node, Lease, NodeMetrics and tunnel only", async () => {
  const l = lookups([]);
  assert.equal(await nodeAuthorize(n1, res("patch", "", "nodes", "", "n1"), l), true);
  assert.equal(await nodeAuthorize(n1, res("update", "", "nodes", "", "n1", "status"), l), true);
  assert.equal(await nodeAuthorize(n1, res("patch", "", "nodes", "", "n2"), l), null);
  assert.equal(await nodeAuthorize(n1, res("update", "coordination.k8s.io", "leases", "kube-node-lease", "n1"), l), true);
  assert.equal(await nodeAuthorize(n1, res("update", "coordination.k8s.io", "leases", "kube-node-lease", "n2"), l), null);
  assert.equal(await nodeAuthorize(n1, res("patch", "metrics.k8s.io", "nodes", "", "n1"), l), true);
  assert.equal(await nodeAuthorize(n1, { isResourceRequest: false, verb: "get", path: "/edgeplane/v1/nodes/n1/tunnel" }, l), true);
  assert.equal(await nodeAuthorize(n1, { isResourceRequest: false, verb: "get", path: "/edgeplane/v1/nodes/n2/tunnel" }, l), null);
  assert.equal(await nodeAuthorize({ username: "system:node:n1", groups: [] }, res("patch", "", "nodes", "", "n1"), l), null, "needs the system:nodes group");
});

test("what the agent's proxy and ingress roles read: Services, EndpointSlices, Ingresses, IngressClasses, never written", async () => {
  const l = lookups([]);
  for (const [group, resource] of [["", "services"], ["discovery.k8s.io", "endpointslices"], ["networking.k8s.io", "ingresses"], ["networking.k8s.io", "ingressclasses"]]) {
    assert.equal(await nodeAuthorize(n1, res("watch", group, resource, ""), l), true, `watch ${resource}`);
    assert.equal(await nodeAuthorize(n1, res("update", group, resource, "default", "x"), l), null, `update ${resource}`);
  }
  assert.equal(await nodeAuthorize(n1, res("update", "networking.k8s.io", "ingresses", "default", "x", "status"), l), null);
  // Service traffic to another node's pod is relayed through its portforward subresource.
  assert.equal(await nodeAuthorize(n1, res("create", "", "pods", "team", "other-nodes-pod", "portforward"), l), true);
  assert.equal(await nodeAuthorize(n1, res("create", "", "pods", "team", "other-nodes-pod", "exec"), l), null);
  // The TLS Secrets Ingresses name, to terminate TLS with; no other Secret, nor that name in another namespace.
  assert.equal(await nodeAuthorize(n1, res("get", "", "secrets", "default", "site-tls"), l), true);
  assert.equal(await nodeAuthorize(n1, res("get", "", "secrets", "default", "other"), l), null);
  assert.equal(await nodeAuthorize(n1, res("get", "", "secrets", "team", "site-tls"), l), null);
  assert.equal(await nodeAuthorize(n1, res("list", "", "secrets", "default"), l), null);
});

test("pods: list/watch only pinned to the node; status, delete and get of its own pods", async () => {
  const l = lookups([pod]);
  assert.equal(await nodeAuthorize(n1, res("watch", "", "pods", "", "", "", "spec.nodeName=n1"), l), true);
  assert.equal(await nodeAuthorize(n1, res("list", "", "pods", "", "", "", "status.phase!=Succeeded,spec.nodeName==n1"), l), true);
  assert.equal(await nodeAuthorize(n1, res("list", "", "pods", ""), l), null);
  assert.equal(await nodeAuthorize(n1, res("list", "", "pods", "", "", "", "spec.nodeName=n2"), l), null);
  assert.equal(await nodeAuthorize(n1, res("patch", "", "pods", "default", "p1", "status"), l), true);
  assert.equal(await nodeAuthorize(n1, res("delete", "", "pods", "default", "p1"), l), true);
  assert.equal(await nodeAuthorize(n1, res("patch", "", "pods", "default", "other", "status"), l), null);
  assert.equal(await nodeAuthorize(n1, res("patch", "metrics.k8s.io", "pods", "default", "p1"), l), true);
  assert.ok(selectsNode("spec.nodeName=n1", "n1") && !selectsNode("spec.nodeName=n10", "n1"));
});

test("Secrets, ConfigMaps, PVCs, PVs and SA tokens referenced by its pods only; a denial re-checks fresh", async () => {
  const l = lookups([pod]);
  assert.equal(await nodeAuthorize(n1, res("get", "", "secrets", "default", "s1"), l), true);
  assert.deepEqual(l.calls, [false], "served from the cache when allowed");
  assert.equal(await nodeAuthorize(n1, res("get", "", "secrets", "default", "s2"), l), null);
  assert.deepEqual(l.calls, [false, false, true], "denied: looked again, fresh");
  assert.equal(await nodeAuthorize(n1, res("list", "", "secrets", "default"), l), null);
  assert.equal(await nodeAuthorize(n1, res("get", "", "configmaps", "default", "cfg"), l), true);
  assert.equal(await nodeAuthorize(n1, res("get", "", "persistentvolumeclaims", "default", "data"), l), true);
  assert.equal(await nodeAuthorize(n1, res("get", "", "persistentvolumes", "", "pv-1"), l), true);
  assert.equal(await nodeAuthorize(n1, res("get", "", "persistentvolumes", "", "pv-2"), l), null);
  assert.equal(await nodeAuthorize(n1, res("create", "", "serviceaccounts", "default", "builder", "token"), l), true);
  assert.equal(await nodeAuthorize(n1, res("create", "", "serviceaccounts", "default", "default", "token"), l), null);
  const n2 = { username: "system:node:n2", groups: ["system:nodes"] };
  assert.equal(await nodeAuthorize(n2, res("get", "", "secrets", "default", "s1"), l), null);
});
