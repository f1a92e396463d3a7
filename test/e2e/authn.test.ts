/**
 * Authentication end to end: the Worker in workerd and the real kubectl.
 * Anonymous callers get 401 outside the health paths; user tokens, the
 * TokenRequest API's ServiceAccount tokens (pod-bound ones die with the
 * pod), bootstrap tokens and the node credentials the join endpoint issues
 * all authenticate as who they say; `kubectl auth whoami` and --as show it.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";
import { KubeClient } from "../../src/cli/kube-client.js";
import { createBootstrapToken, createUserToken } from "../../src/cli/tokens.js";
import { newBootstrapToken } from "../../src/auth/bootstrap-token.js";

let c: TestCluster;
let admin: KubeClient;
before(async () => {
  c = await startCluster();
  admin = new KubeClient({ server: c.url, token: c.token, ca: c.caCert }, 4);
});
after(async () => {
  await admin?.close();
  await c?.dispose();
});

const whoami = async (args: string[]) => JSON.parse((await c.kubectl([...args, "auth", "whoami", "-o", "json"])).stdout).status.userInfo as { username: string; groups: string[]; uid?: string; extra?: Record<string, string[]> };
const asToken = (token: string, path: string, init: RequestInit = {}) => c.api(path, { ...init, headers: { ...(init.headers as object), authorization: `Bearer ${token}` } });

test("anonymous requests get a 401 Status; health and version stay open", async () => {
  for (const headers of [{ authorization: "" }, { authorization: "Bearer not-a-token-anyone-issued" }]) {
    const r = await c.api("/api/v1/namespaces", { headers });
    assert.equal(r.status, 401);
    const s = (await r.json()) as { kind: string; reason: string; code: number };
    assert.equal(s.kind, "Status");
    assert.equal(s.reason, "Unauthorized");
    assert.equal(s.code, 401);
  }
  for (const p of ["/healthz", "/livez", "/readyz", "/version"]) {
    const r = await c.api(p, { headers: { authorization: "" } });
    assert.equal(r.status, 200, p);
  }
  const r = await c.api("/apis", { headers: { authorization: "" } });
  assert.equal(r.status, 401, "discovery needs a user too");
});

test("a user token authenticates as its user and groups until its Secret is deleted", async () => {
  const token = await createUserToken(admin, { username: "jane", groups: ["devs", "oncall"] });
  const me = await whoami(["--token", token]);
  assert.equal(me.username, "jane");
  assert.deepEqual(me.groups, ["devs", "oncall", "system:authenticated"]);
  // Authenticated is not authorized: RBAC decides. Group devs may view namespaces once bound.
  const denied = await c.kubectl(["--token", token, "get", "namespaces"], { allowFail: true });
  assert.match(denied.stderr, /namespaces is forbidden: User "jane" cannot list resource "namespaces"/);
  await c.kubectl(["create", "clusterrole", "ns-viewer", "--verb=get,list,watch", "--resource=namespaces"]);
  await c.kubectl(["create", "clusterrolebinding", "devs-ns-viewer", "--clusterrole=ns-viewer", "--group=devs"]);
  await eventually(async () => (await c.kubectl(["--token", token, "get", "namespaces"], { allowFail: true })).code === 0, 10_000, "devs may list namespaces");
  const secrets = JSON.parse((await c.kubectl(["get", "secrets", "-n", "kube-system", "--field-selector", "type=edgeplane.dev/user-token", "-o", "json"])).stdout).items as { metadata: { name: string }; data: Record<string, string> }[];
  assert.equal(secrets.length, 1);
  assert.ok(!Object.values(secrets[0].data).some((v) => Buffer.from(v, "base64").toString() === token), "only a hash is stored");
  await c.kubectl(["delete", "secret", "-n", "kube-system", secrets[0].metadata.name]);
  await eventually(async () => (await asToken(token, "/api/v1/namespaces")).status === 401, 20_000, "the deleted token to be refused");
});

test("kubectl auth whoami shows the admin, and --as/--as-group impersonate", async () => {
  const me = await whoami([]);
  assert.equal(me.username, "admin");
  assert.ok(me.groups.includes("system:masters"));
  const jane = await whoami(["--as=jane", "--as-group=devs", "--as-group=qa"]);
  assert.equal(jane.username, "jane");
  assert.deepEqual(jane.groups, ["devs", "qa", "system:authenticated"]);
  await c.kubectl(["create", "rolebinding", "devs-view", "--clusterrole=view", "--group=devs", "-n", "default"]);
  await eventually(async () => (await c.kubectl(["--as=jane", "--as-group=devs", "get", "pods"], { allowFail: true })).code === 0, 10_000, "impersonated jane in devs may list pods");
  const notDevs = await c.kubectl(["--as=jane", "get", "pods"], { allowFail: true });
  assert.match(notDevs.stderr, /pods is forbidden: User "jane" cannot list resource "pods"/);
  const sa = await whoami(["--as=system:serviceaccount:default:default"]);
  assert.deepEqual(sa.groups, ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
  const extra = await whoami(["--as=jane", "--as-uid=u-1"]);
  assert.equal(extra.uid, "u-1");
  const r = await c.api("/api/v1/namespaces", { headers: { "impersonate-group": "devs" } });
  assert.equal(r.status, 400, "groups without a user");
});

test("TokenRequest: the token authenticates as the ServiceAccount; TokenReview agrees; audiences are checked", async () => {
  await eventually(async () => (await c.kubectl(["get", "sa", "default"], { allowFail: true })).code === 0, 20_000, "the default ServiceAccount");
  const token = (await c.kubectl(["create", "token", "default"])).stdout.trim();
  const me = await whoami(["--token", token]);
  assert.equal(me.username, "system:serviceaccount:default:default");
  assert.deepEqual(me.groups, ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]);
  const [, payload] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  assert.equal(claims.sub, "system:serviceaccount:default:default");
  assert.equal(claims["kubernetes.io"].namespace, "default");
  assert.equal(claims.exp - claims.iat, 3600);

  const review = async (spec: object) =>
    (await (await c.api("/apis/authentication.k8s.io/v1/tokenreviews", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec }) })).json()) as {
      status: { authenticated?: boolean; user?: { username?: string }; audiences?: string[] };
    };
  const ok = await review({ token });
  assert.equal(ok.status.authenticated, true);
  assert.equal(ok.status.user?.username, "system:serviceaccount:default:default");
  assert.equal((await review({ token: token + "x" })).status.authenticated, false);

  const vault = (await c.kubectl(["create", "token", "default", "--audience", "vault"])).stdout.trim();
  assert.equal((await asToken(vault, "/api/v1/namespaces")).status, 401, "not for the API's audience");
  const forVault = await review({ token: vault, audiences: ["vault"] });
  assert.equal(forVault.status.authenticated, true);
  assert.deepEqual(forVault.status.audiences, ["vault"]);

  const short = await c.kubectl(["create", "token", "default", "--duration", "5m"], { allowFail: true });
  assert.notEqual(short.code, 0);
  assert.match(short.stderr, /less than 10 minutes/);

  // The issuer's keys are published, and verify the token.
  const jwks = (await (await c.api("/openid/v1/jwks")).json()) as { keys: JsonWebKey[] };
  const key = await crypto.subtle.importKey("jwk", jwks.keys[0], { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  const [h, p, s] = token.split(".");
  assert.ok(await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, Buffer.from(s, "base64url"), new TextEncoder().encode(`${h}.${p}`)));
  const oidc = (await (await c.api("/.well-known/openid-configuration")).json()) as { issuer: string; jwks_uri: string };
  assert.equal(oidc.issuer, claims.iss);
});

test("pods run as a ServiceAccount with the kube-api-access volume; a pod-bound token stops working when the pod is gone", async () => {
  await c.kubectl(["run", "bound", "--image=busybox", "--restart=Never"]);
  const pod = JSON.parse((await c.kubectl(["get", "pod", "bound", "-o", "json"])).stdout);
  assert.equal(pod.spec.serviceAccountName, "default");
  const vol = pod.spec.volumes.find((v: { name: string }) => v.name.startsWith("kube-api-access-"));
  assert.ok(vol, "projected volume");
  assert.deepEqual(
    vol.projected.sources.map((s: object) => Object.keys(s)[0]),
    ["serviceAccountToken", "configMap", "downwardAPI"],
  );
  assert.equal(vol.projected.sources[0].serviceAccountToken.expirationSeconds, 3607);
  assert.deepEqual(pod.spec.containers[0].volumeMounts, [{ name: vol.name, readOnly: true, mountPath: "/var/run/secrets/kubernetes.io/serviceaccount" }]);

  await c.kubectl(["run", "noauto", "--image=busybox", "--restart=Never", "--overrides", JSON.stringify({ spec: { automountServiceAccountToken: false } })]);
  const noauto = JSON.parse((await c.kubectl(["get", "pod", "noauto", "-o", "json"])).stdout);
  assert.ok(!(noauto.spec.volumes ?? []).some((v: { name: string }) => v.name.startsWith("kube-api-access-")));

  const token = (await c.kubectl(["create", "token", "default", "--bound-object-kind", "Pod", "--bound-object-name", "bound"])).stdout.trim();
  const me = await whoami(["--token", token]);
  assert.equal(me.username, "system:serviceaccount:default:default");
  assert.deepEqual(me.extra?.["authentication.kubernetes.io/pod-name"], ["bound"]);
  await c.kubectl(["delete", "pod", "bound", "--wait=false"]);
  await eventually(async () => (await asToken(token, "/api/v1/namespaces")).status === 401, 20_000, "the pod-bound token to be refused");
});

test("every namespace has kube-root-ca.crt; Service default/kubernetes points at the API", async () => {
  await c.kubectl(["create", "namespace", "team-a"]);
  const cm = await eventually(async () => JSON.parse((await c.kubectl(["get", "configmap", "kube-root-ca.crt", "-n", "team-a", "-o", "json"])).stdout), 20_000, "kube-root-ca.crt");
  assert.equal(cm.data["ca.crt"], c.caCert);
  const svc = await eventually(async () => JSON.parse((await c.kubectl(["get", "service", "kubernetes", "-o", "json"])).stdout), 20_000, "the kubernetes Service");
  assert.equal(svc.spec.clusterIP, "10.96.0.1");
  assert.equal(svc.spec.ports[0].port, 443);
  const port = Number(new URL(c.url).port);
  const slice = await eventually(async () => JSON.parse((await c.kubectl(["get", "endpointslice", "kubernetes", "-o", "json"])).stdout), 20_000, "the kubernetes EndpointSlice");
  assert.deepEqual(slice.endpoints[0].addresses, ["127.0.0.1"]);
  assert.equal(slice.ports[0].port, port);
  const ep = JSON.parse((await c.kubectl(["get", "endpoints", "kubernetes", "-o", "json"])).stdout);
  assert.equal(ep.subsets[0].addresses[0].ip, "127.0.0.1");
});

test("bootstrap tokens: a valid one authenticates as system:bootstrap:<id> and joins a node; an expired one is refused", async () => {
  const expired = newBootstrapToken({ ttlSeconds: 1, now: Date.now() - 3600_000 });
  await admin.post("/api/v1/namespaces/kube-system/secrets", expired.secret);
  assert.equal((await asToken(expired.token, "/api/v1/namespaces")).status, 401);

  const token = await createBootstrapToken(admin, { ttlSeconds: 600, extraGroups: ["system:bootstrappers:edge"] });
  const id = token.split(".")[0];
  const me = await whoami(["--token", token]);
  assert.equal(me.username, `system:bootstrap:${id}`);
  assert.deepEqual(me.groups, ["system:bootstrappers", "system:bootstrappers:edge", "system:authenticated"]);

  const r = await asToken(token, "/edgeplane/v1/join", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ nodeName: "edge-1" }) });
  assert.equal(r.status, 201);
  const cred = (await r.json()) as { token: string; kind: string };
  assert.equal(cred.kind, "NodeCredential");
  const node = await whoami(["--token", cred.token]);
  assert.equal(node.username, "system:node:edge-1");
  assert.deepEqual(node.groups, ["system:nodes", "system:authenticated"]);

  // A node credential may not join again, and a bad name is refused.
  assert.equal((await asToken(cred.token, "/edgeplane/v1/join", { method: "POST", body: JSON.stringify({ nodeName: "edge-2" }) })).status, 403);
  assert.equal((await asToken(token, "/edgeplane/v1/join", { method: "POST", body: JSON.stringify({ nodeName: "Bad_Name" }) })).status, 400);
});
