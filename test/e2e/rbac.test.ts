/**
 * RBAC, the node authorizer and the authorization reviews with the real
 * kubectl against the Worker in workerd. Users come from STATIC_TOKENS
 * (as kube-apiserver's --token-auth-file).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { certificateRequest, servingCert } from "../../src/cli/pki.js";

const TOKENS = ["alice-token,alice,alice,devs", "bob-token,bob,bob,", "carol-token,carol,carol,", "n1-token,system:node:n1,n1,system:nodes", "n2-token,system:node:n2,n2,system:nodes"].join("\n");

let c: TestCluster;
before(async () => {
  c = await startCluster({ bindings: { STATIC_TOKENS: TOKENS } });
});
after(async () => {
  await c?.dispose();
});

const as = (who: string, args: string[], input?: string) => c.kubectl([`--token=${who}-token`, ...args], { allowFail: true, input });
const ok = async (who: string, args: string[], input?: string) => {
  const r = await as(who, args, input);
  assert.equal(r.code, 0, `${who}: kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
};

test("default policy: bootstrap roles exist with the bootstrapping label; tables as a real cluster", async () => {
  const roles = (await c.kubectl(["get", "clusterroles"])).stdout;
  assert.match(roles, /^NAME\s+CREATED AT$/m);
  for (const r of ["cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery", "system:public-info-viewer", "system:kube-scheduler", "system:kube-controller-manager", "system:node", "system:node-bootstrapper"]) {
    assert.match(roles, new RegExp(`^${r}\\s+\\d{4}-\\d\\d-\\d\\dT`, "m"), r);
  }
  const view = JSON.parse((await c.kubectl(["get", "clusterrole", "view", "-o", "json"])).stdout);
  assert.equal(view.metadata.labels["kubernetes.io/bootstrapping"], "rbac-defaults");
  assert.equal(view.metadata.annotations["rbac.authorization.kubernetes.io/autoupdate"], "true");
  assert.ok(view.rules.some((r: { resources: string[] }) => r.resources?.includes("configmaps")), "view is aggregated");
  const crb = (await c.kubectl(["get", "clusterrolebinding", "-o", "wide"])).stdout;
  assert.match(crb, /NAME\s+ROLE\s+AGE\s+USERS\s+GROUPS\s+SERVICEACCOUNTS/);
  assert.match(crb, /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters/m);
});

test("a view user reads but may not create; binding edit lets it; can-i --list follows", async () => {
  const denied = await as("alice", ["get", "configmaps", "-n", "default"]);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /configmaps is forbidden: User "alice" cannot list resource "configmaps" in API group "" in the namespace "default"/);

  await c.kubectl(["create", "rolebinding", "alice-view", "--clusterrole=view", "--user=alice", "-n", "default"]);
  await ok("alice", ["get", "configmaps", "-n", "default"]);
  await ok("alice", ["get", "pods", "-n", "default", "-w", "--request-timeout=1s"]).catch(() => {});
  const watch = await as("alice", ["get", "pods", "-n", "default", "--watch-only", "--request-timeout=1s"]);
  assert.doesNotMatch(watch.stderr, /forbidden/);
  const all = await as("alice", ["get", "pods", "-A"]);
  assert.match(all.stderr, /pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope/, "across namespaces needs cluster-wide permission");
  const create = await as("alice", ["create", "configmap", "x", "-n", "default"]);
  assert.notEqual(create.code, 0);
  assert.match(create.stderr, /error: failed to create configmap: configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default"/);
  assert.equal((await as("alice", ["auth", "can-i", "create", "deployments", "-n", "default"])).stdout.trim(), "no");
  assert.equal((await as("alice", ["auth", "can-i", "list", "deployments", "-n", "default"])).stdout.trim(), "yes");
  const list = await ok("alice", ["auth", "can-i", "--list", "-n", "default"]);
  assert.match(list, /^configmaps\s+\[\]\s+\[\]\s+\[get list watch\]/m);
  assert.match(list, /selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]/);
  assert.doesNotMatch(list, /^secrets\s/m);

  await c.kubectl(["create", "rolebinding", "alice-edit", "--clusterrole=edit", "--user=alice", "-n", "default"]);
  await ok("alice", ["create", "configmap", "x", "-n", "default"]);
  assert.equal((await as("alice", ["auth", "can-i", "create", "deployments", "-n", "default"])).stdout.trim(), "yes");
  assert.match(await ok("alice", ["auth", "can-i", "--list", "-n", "default"]), /^configmaps\s+\[\]\s+\[\]\s+\[create delete deletecollection patch update get list watch\]/m);
  assert.equal((await as("alice", ["auth", "can-i", "create", "configmaps", "-n", "kube-system"])).stdout.trim(), "no", "a RoleBinding grants in its namespace only");
});

test("SubjectAccessReview answers for a named user and groups (kubectl auth can-i --as style)", async () => {
  const sar = (user: string, groups: string[], verb: string, resource: string, namespace: string) =>
    c
      .api("/apis/authorization.k8s.io/v1/subjectaccessreviews", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user, groups, resourceAttributes: { verb, resource, namespace } } }) })
      .then(async (r) => ({ code: r.status, body: (await r.json()) as { status: { allowed: boolean } } }));
  const yes = await sar("alice", [], "create", "configmaps", "default");
  assert.equal(yes.code, 201);
  assert.equal(yes.body.status.allowed, true);
  assert.equal((await sar("alice", [], "get", "secrets", "kube-system")).body.status.allowed, false);
  assert.equal((await sar("mallory", ["system:masters"], "delete", "nodes", "")).body.status.allowed, true);
  const bySar = await as("bob", ["create", "--validate=false", "-f", "-", "-o", "json"], JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec: { user: "alice", resourceAttributes: { verb: "get", resource: "pods" } } }));
  assert.match(bySar.stderr, /subjectaccessreviews.authorization.k8s.io is forbidden: User "bob" cannot create resource "subjectaccessreviews"/);
});

test("LocalSubjectAccessReview: a namespace admin asks about its own namespace only", async () => {
  await c.kubectl(["create", "namespace", "lsar"]);
  await c.kubectl(["create", "rolebinding", "carol-admin", "--clusterrole=admin", "--user=carol", "-n", "lsar"]);
  const lsar = (who: string, ns: string, spec: Record<string, unknown>) =>
    c
      .api(`/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${who}-token` },
        body: JSON.stringify({ apiVersion: "authorization.k8s.io/v1", kind: "LocalSubjectAccessReview", spec }),
      })
      .then(async (r) => ({ code: r.status, body: (await r.json()) as { metadata: { namespace?: string }; spec: { resourceAttributes?: { namespace?: string } }; status?: { allowed: boolean }; message?: string } }));
  // The namespace defaults to the review's own.
  const mine = await lsar("carol", "lsar", { user: "carol", resourceAttributes: { verb: "create", resource: "deployments", group: "apps" } });
  assert.equal(mine.code, 201);
  assert.equal(mine.body.status?.allowed, true);
  assert.equal(mine.body.metadata.namespace, "lsar");
  assert.equal(mine.body.spec.resourceAttributes?.namespace, "lsar");
  assert.equal((await lsar("carol", "lsar", { user: "bob", resourceAttributes: { verb: "get", resource: "pods" } })).body.status?.allowed, false);
  const other = await lsar("carol", "lsar", { user: "carol", resourceAttributes: { verb: "get", resource: "pods", namespace: "default" } });
  assert.equal(other.code, 422);
  assert.match(other.body.message ?? "", /spec\.resourceAttributes\.namespace: Invalid value: "default": must match metadata\.namespace/);
  const nonResource = await lsar("carol", "lsar", { user: "carol", nonResourceAttributes: { verb: "get", path: "/healthz" } });
  assert.equal(nonResource.code, 422);
  // Outside the namespace it administers, carol may not ask.
  assert.equal((await lsar("carol", "default", { user: "carol", resourceAttributes: { verb: "get", resource: "pods" } })).code, 403);
  assert.match((await c.kubectl(["api-resources", "--api-group=authorization.k8s.io"])).stdout, /^localsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+true\s+LocalSubjectAccessReview$/m);
});

test("resourceNames: a Role for configmap a allows a, not b", async () => {
  await c.kubectl(["create", "configmap", "a", "-n", "default"]);
  await c.kubectl(["create", "configmap", "b", "-n", "default"]);
  await c.kubectl(["create", "role", "only-a", "--verb=get", "--resource=configmaps", "--resource-name=a", "-n", "default"]);
  await c.kubectl(["create", "rolebinding", "carol-only-a", "--role=only-a", "--user=carol", "-n", "default"]);
  await ok("carol", ["get", "configmap", "a", "-n", "default"]);
  const b = await as("carol", ["get", "configmap", "b", "-n", "default"]);
  assert.match(b.stderr, /configmaps "b" is forbidden: User "carol" cannot get resource "configmaps" in API group "" in the namespace "default"/);
  assert.match(await ok("carol", ["auth", "can-i", "--list", "-n", "default"]), /^configmaps\s+\[\]\s+\[a\]\s+\[get\]/m);
});

test("escalation: may create RoleBindings but not bind edit without holding it; bind verb or holding it lets it", async () => {
  await c.kubectl(["create", "role", "binder", "--verb=create,get,list", "--resource=rolebindings,roles", "-n", "default"]);
  await c.kubectl(["create", "rolebinding", "bob-binder", "--role=binder", "--user=bob", "-n", "default"]);
  const r = await as("bob", ["create", "rolebinding", "bob-edit", "--clusterrole=edit", "--user=bob", "-n", "default"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /rolebindings.rbac.authorization.k8s.io "bob-edit" is forbidden: user "bob" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n/);
  assert.match(r.stderr, /^\{APIGroups:\[""\], Resources:\["configmaps"\], Verbs:\["create" "delete" "deletecollection" "patch" "update" "get" "list" "watch"\]\}$/m);
  const role = await as("bob", ["create", "role", "pods-reader", "--verb=get", "--resource=pods", "-n", "default"]);
  assert.match(role.stderr, /roles.rbac.authorization.k8s.io "pods-reader" is forbidden: user "bob" .* is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["get"\]\}/);
  // What bob holds he may grant: a Role of rolebindings get.
  await ok("bob", ["create", "role", "rb-reader", "--verb=get", "--resource=rolebindings", "-n", "default"]);
  // With `bind` on the edit ClusterRole (by name) he may bind it without holding it.
  await c.kubectl(["create", "role", "bind-edit", "--verb=bind", "--resource=clusterroles", "--resource-name=edit", "-n", "default"]);
  await c.kubectl(["create", "rolebinding", "bob-bind-edit", "--role=bind-edit", "--user=bob", "-n", "default"]);
  await ok("bob", ["create", "rolebinding", "bob-edit", "--clusterrole=edit", "--user=bob", "-n", "default"]);
  const admin = await as("bob", ["create", "rolebinding", "bob-admin", "--clusterrole=admin", "--user=bob", "-n", "default"]);
  assert.match(admin.stderr, /is attempting to grant RBAC permissions not currently held/, "bind is per resourceName");
  const rb = JSON.parse((await c.kubectl(["get", "rolebinding", "bob-edit", "-n", "default", "-o", "json"])).stdout);
  rb.roleRef.name = "view";
  const upd = await c.kubectl(["replace", "-f", "-"], { input: JSON.stringify(rb), allowFail: true });
  assert.match(upd.stderr, /roleRef: Invalid value: .*cannot change roleRef/);
});

test("aggregation: a ClusterRole labelled aggregate-to-view extends view, edit and admin", async () => {
  await c.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "widgets-view", labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" } }, rules: [{ apiGroups: ["example.com"], resources: ["widgets"], verbs: ["get"] }] }),
  });
  for (const r of ["view", "edit", "admin"]) {
    await eventually(async () => JSON.parse((await c.kubectl(["get", "clusterrole", r, "-o", "json"])).stdout).rules.some((x: { resources?: string[] }) => x.resources?.includes("widgets")), 10_000, `${r} aggregates widgets`);
  }
});

test("node authorizer: own Node only; Secrets of its pods only; its pods by field selector", async () => {
  const node = (name: string) => JSON.stringify({ apiVersion: "v1", kind: "Node", metadata: { name } });
  await ok("n1", ["create", "-f", "-"], node("n1"));
  await c.kubectl(["create", "-f", "-"], { input: node("n2") });
  await ok("n1", ["label", "node", "n1", "edge=yes"]);
  const other = await as("n1", ["label", "node", "n2", "edge=yes"]);
  assert.match(other.stderr, /nodes "n2" is forbidden: User "system:node:n1" cannot patch resource "nodes" in API group "" at the cluster scope/);

  await c.kubectl(["create", "secret", "generic", "s1", "--from-literal=k=v", "-n", "default"]);
  await c.kubectl(["create", "secret", "generic", "s2", "--from-literal=k=v", "-n", "default"]);
  const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "p1", namespace: "default" }, spec: { nodeName: "n1", containers: [{ name: "c", image: "busybox", env: [{ name: "K", valueFrom: { secretKeyRef: { name: "s1", key: "k" } } }] }] } };
  await c.kubectl(["create", "-f", "-"], { input: JSON.stringify(pod) });
  await ok("n1", ["get", "secret", "s1", "-n", "default"]);
  assert.match((await as("n1", ["get", "secret", "s2", "-n", "default"])).stderr, /secrets "s2" is forbidden: User "system:node:n1" cannot get resource "secrets"/);
  assert.match((await as("n2", ["get", "secret", "s1", "-n", "default"])).stderr, /secrets "s1" is forbidden/);

  await ok("n1", ["get", "pods", "-A", "--field-selector=spec.nodeName=n1"]);
  assert.match((await as("n1", ["get", "pods", "-A"])).stderr, /pods is forbidden/);
  assert.match((await as("n1", ["get", "pods", "-A", "--field-selector=spec.nodeName=n2"])).stderr, /pods is forbidden/);
  await ok("n1", ["patch", "pod", "p1", "-n", "default", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Running"}}']);
  assert.match((await as("n2", ["patch", "pod", "p1", "-n", "default", "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Failed"}}'])).stderr, /forbidden/);

  const tunnel = (who: string, node: string) => c.api(`/edgeplane/v1/nodes/${node}/tunnel`, { headers: { authorization: `Bearer ${who}-token` } }).then((r) => r.status);
  assert.notEqual(await tunnel("n1", "n1"), 403, "its own tunnel is allowed (not a WebSocket here, so not 200)");
  assert.equal(await tunnel("n1", "n2"), 403);
});

test("controllers still work under their least-privilege role", async () => {
  await c.kubectl(["create", "deployment", "web", "--image=nginx", "--replicas=2", "-n", "default"]);
  await eventually(async () => JSON.parse((await c.kubectl(["get", "rs", "-n", "default", "-l", "app=web", "-o", "json"])).stdout).items.length === 1, 10_000, "replicaset");
  await eventually(async () => JSON.parse((await c.kubectl(["get", "pods", "-n", "default", "-l", "app=web", "-o", "json"])).stdout).items.length === 2, 10_000, "pods");
  await eventually(async () => (await c.kubectl(["get", "sa", "default", "-n", "default"], { allowFail: true })).code === 0, 10_000, "default service account");
});

test("exec, attach and port-forward over a WebSocket (a GET) also need create, as over SPDY (a POST)", async () => {
  const { default: WebSocket } = await import("ws");
  await c.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({ apiVersion: "v1", kind: "Pod", metadata: { name: "shell", namespace: "default" }, spec: { nodeName: "nowhere", containers: [{ name: "c", image: "busybox" }] } }),
  });
  await c.kubectl(["create", "role", "exec-get", "--verb=get", "--resource=pods,pods/exec,pods/attach,pods/portforward", "-n", "default"]);
  await c.kubectl(["create", "rolebinding", "carol-exec-get", "--role=exec-get", "--user=carol", "-n", "default"]);
  /** The status of a WebSocket upgrade as carol, and the error's body (every upgrade here is refused). */
  const upgrade = (sub: string, protocol: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const q = sub === "exec" ? "?command=true&stdout=true" : sub === "attach" ? "?stdout=true" : "";
      // In the header, not as ws's protocols: ws refuses "SPDY/3.1+portforward.k8s.io" ("/" is not a token character); kubectl's Go client sends it.
      const ws = new WebSocket(`${c.url.replace(/^http/, "ws")}/api/v1/namespaces/default/pods/shell/${sub}${q}`, { ca: c.caCert, headers: { authorization: "Bearer carol-token", "sec-websocket-protocol": protocol } });
      ws.on("unexpected-response", (_req, res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      ws.on("open", () => {
        ws.close();
        reject(new Error(`${sub}: upgraded`));
      });
      ws.on("error", (e) => (e.message.includes("Unexpected server response") ? undefined : reject(e)));
    });
  for (const [sub, protocol] of [["exec", "v5.channel.k8s.io"], ["attach", "v5.channel.k8s.io"], ["portforward", "SPDY/3.1+portforward.k8s.io"]]) {
    const r = await upgrade(sub, protocol);
    assert.equal(r.status, 403, `${sub}: ${r.body}`);
    assert.equal(JSON.parse(r.body).message, `pods "shell" is forbidden: User "carol" cannot create resource "pods/${sub}" in API group "" in the namespace "default"`);
  }
  await c.kubectl(["create", "role", "exec-create", "--verb=create", "--resource=pods/exec,pods/attach,pods/portforward", "-n", "default"]);
  await c.kubectl(["create", "rolebinding", "carol-exec-create", "--role=exec-create", "--user=carol", "-n", "default"]);
  for (const [sub, protocol] of [["exec", "v5.channel.k8s.io"], ["attach", "v5.channel.k8s.io"], ["portforward", "SPDY/3.1+portforward.k8s.io"]]) {
    // Authorized now: what remains is that node "nowhere" has no agent.
    const r = await eventually(async () => {
      const x = await upgrade(sub, protocol);
      return x.status === 403 ? undefined : x;
    }, 10_000, `${sub} authorized once create is bound`);
    assert.equal(r.status, 503, `${sub}: ${r.body}`);
    assert.match(JSON.parse(r.body).message, /no tunnel from node "nowhere" is connected/);
  }
});

test("CertificateSigningRequests: approving takes approve on the signer, issuing takes sign, and nobody asks for system:masters (the certificates admission plugins)", async () => {
  const csr = (name: string, request: string, signer = "example.com/team") =>
    `apiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata: {name: ${name}}\nspec: {request: ${Buffer.from(request).toString("base64")}, signerName: ${signer}, usages: [client auth]}\n`;
  const { csr: request } = await certificateRequest("CN=carol");
  await c.kubectl(["apply", "-f", "-"], { input: csr("carol-csr", request) });
  const role = (extra: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: csr-handler}
rules:
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests], verbs: [get, list]}
- {apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval, certificatesigningrequests/status], verbs: [get, update, patch]}
${extra}`;
  await c.kubectl(["apply", "-f", "-"], { input: role("") });
  await c.kubectl(["create", "clusterrolebinding", "carol-csr-handler", "--clusterrole=csr-handler", "--user=carol"]);
  const denied = await eventually(async () => {
    const r = await as("carol", ["certificate", "approve", "carol-csr"]);
    return /user not permitted/.test(r.stderr) ? r : undefined;
  }, 10_000, "carol may update the approval but not approve for the signer");
  assert.match(denied.stderr, /certificatesigningrequests.certificates.k8s.io "carol-csr" is forbidden: user not permitted to approve requests with signerName "example.com\/team"/);
  // approve on every signer of the domain.
  await c.kubectl(["apply", "-f", "-"], { input: role('- {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: ["example.com/*"], verbs: [approve]}\n') });
  await eventually(async () => (await as("carol", ["certificate", "approve", "carol-csr"])).code === 0, 10_000, "approve on example.com/* lets carol approve");
  const { cert } = await servingCert("CN=carol", ["carol.example"]);
  const issue = ["patch", "csr", "carol-csr", "--subresource=status", "--type=merge", "-p", JSON.stringify({ status: { certificate: Buffer.from(cert).toString("base64") } })];
  assert.match((await as("carol", issue)).stderr, /user not permitted to sign requests with signerName "example.com\/team"/);
  // Other status changes need no sign.
  await ok("carol", ["patch", "csr", "carol-csr", "--subresource=status", "--type=json", "-p", '[{"op":"add","path":"/status/conditions/-","value":{"type":"Working","status":"True"}}]']);
  await c.kubectl(["apply", "-f", "-"], { input: role('- {apiGroups: [certificates.k8s.io], resources: [signers], resourceNames: ["example.com/team"], verbs: [approve, sign]}\n') });
  await eventually(async () => (await as("carol", issue)).code === 0, 10_000, "sign on the signer lets carol issue");
  assert.match((await c.kubectl(["get", "csr", "carol-csr"])).stdout, /Approved,Issued/);
  // Even an admin may not ask the kube-apiserver-client signer for system:masters.
  const { csr: masters } = await certificateRequest("CN=eve,O=system:masters");
  const r = await c.kubectl(["apply", "-f", "-"], { input: csr("eve-csr", masters, "kubernetes.io/kube-apiserver-client"), allowFail: true });
  assert.match(r.stderr, /"eve-csr" is forbidden: use of kubernetes.io\/kube-apiserver-client signer with system:masters group is not allowed/);
  await c.kubectl(["apply", "-f", "-"], { input: csr("eve-csr", masters) });
  await c.kubectl(["delete", "csr", "carol-csr", "eve-csr"]);
  await c.kubectl(["delete", "clusterrolebinding/carol-csr-handler", "clusterrole/csr-handler"]);
});
