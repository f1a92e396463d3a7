/**
 * kubectl ≥ 1.32 sends the objects of `kubectl create <kind>` (and client-go's
 * typed clients send theirs) as application/vnd.kubernetes.protobuf. With the
 * newest kubectl on this machine, each of those commands creates what the same
 * command creates through kubectl 1.30, which sends JSON.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { startCluster, type TestCluster } from "../helpers/cluster.js";
import { certificateRequest } from "../../src/cli/pki.js";

const run = promisify(execFile);
const SDK = "/usr/lib/google-cloud-sdk/bin";
const newest = ["1.33", "1.32"].map((v) => `${SDK}/kubectl.${v}`).find((p) => existsSync(p));
const json = `${SDK}/kubectl.1.30`;

let c: TestCluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.dispose();
});

async function kubectl(bin: string, args: string[], verbose = false): Promise<{ stdout: string; stderr: string }> {
  return run(bin, verbose ? [...args, "-v=8"] : args, { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.home }, maxBuffer: 16 << 20 });
}

/** What a create made, without what differs between any two objects (names, uids, times, versions). */
async function created(kind: string, name: string, ns?: string): Promise<Record<string, unknown>> {
  const o = JSON.parse((await kubectl(json, ["get", kind, name, "-o", "json", ...(ns ? ["-n", ns] : [])])).stdout);
  // Allocated per object: cluster IPs and node ports.
  if (o.spec) for (const k of ["clusterIP", "clusterIPs"]) delete o.spec[k];
  for (const p of o.spec?.ports ?? []) delete p.nodePort;
  const text = JSON.stringify({ ...o, metadata: { labels: o.metadata.labels, annotations: o.metadata.annotations }, status: undefined })
    .replaceAll(`"${name}"`, '"NAME"')
    .replaceAll(`${name}-`, "NAME-")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "UID");
  return JSON.parse(text);
}

test("kubectl create of every kind it can create works from a kubectl that sends protobuf, and creates what JSON creates", { timeout: 180_000 }, async () => {
  assert.ok(newest, `needs kubectl 1.32 or 1.33 in ${SDK} (the machine image ships them)`);
  // The wire: the newest kubectl really sends protobuf here.
  const probe = await kubectl(newest, ["create", "namespace", "pb"], true);
  assert.match(probe.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/);
  await kubectl(json, ["create", "namespace", "js"]);

  const cases: Array<{ kind: string; args: (name: string) => string[]; ns?: boolean }> = [
    { kind: "deployment", args: (n) => ["create", "deployment", n, "--image=nginx", "--replicas=0", "--port=8080"], ns: true },
    { kind: "service", args: (n) => ["create", "service", "clusterip", n, "--tcp=80:8080"], ns: true },
    { kind: "service", args: (n) => ["create", "service", "nodeport", n, "--tcp=81:8081"], ns: true },
    { kind: "configmap", args: (n) => ["create", "configmap", n, "--from-literal=k=v"], ns: true },
    { kind: "secret", args: (n) => ["create", "secret", "generic", n, "--from-literal=password=s3cret"], ns: true },
    { kind: "secret", args: (n) => ["create", "secret", "docker-registry", n, "--docker-server=r.example", "--docker-username=u", "--docker-password=p"], ns: true },
    { kind: "job", args: (n) => ["create", "job", n, "--image=busybox", "--", "echo", "hi"], ns: true },
    { kind: "cronjob", args: (n) => ["create", "cronjob", n, "--image=busybox", "--schedule=*/5 * * * *", "--", "echo", "hi"], ns: true },
    { kind: "resourcequota", args: (n) => ["create", "quota", n, "--hard=cpu=2,pods=5,requests.memory=1Gi"], ns: true },
    { kind: "poddisruptionbudget", args: (n) => ["create", "pdb", n, "--selector=app=x", "--min-available=50%"], ns: true },
    { kind: "ingress", args: (n) => ["create", "ingress", n, "--rule=a.example/p*=svc:80", "--class=nginx"], ns: true },
    { kind: "serviceaccount", args: (n) => ["create", "serviceaccount", n], ns: true },
    { kind: "role", args: (n) => ["create", "role", n, "--verb=get,list", "--resource=pods,deployments.apps"], ns: true },
    { kind: "rolebinding", args: (n) => ["create", "rolebinding", n, "--clusterrole=view", "--user=bob", "--serviceaccount=default:default"], ns: true },
    { kind: "clusterrole", args: (n) => ["create", "clusterrole", n, "--verb=get", "--resource=nodes"] },
    { kind: "clusterrolebinding", args: (n) => ["create", "clusterrolebinding", n, "--clusterrole=view", "--group=devs"] },
    { kind: "priorityclass", args: (n) => ["create", "priorityclass", n, "--value=1000", "--description=d"] },
  ];
  let i = 0;
  for (const k of cases) {
    i++;
    const [pb, js] = [`pb${i}`, `js${i}`];
    // The namespace first: what follows "--" is the container's command.
    await kubectl(newest, [...(k.ns ? ["-n", "pb"] : []), ...k.args(pb)]);
    await kubectl(json, [...(k.ns ? ["-n", "js"] : []), ...k.args(js)]);
    assert.deepEqual(await created(k.kind, pb, k.ns ? "pb" : undefined), await created(k.kind, js, k.ns ? "js" : undefined), `${k.args("NAME").join(" ")}`);
  }

  // A subresource and an object of another group than the URL's: a token for a ServiceAccount.
  const token = (await kubectl(newest, ["create", "token", "default", "-n", "pb", "--duration=10m"])).stdout.trim();
  const review = await c.api("/apis/authentication.k8s.io/v1/tokenreviews", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } }) });
  assert.equal(((await review.json()) as any).status.user.username, "system:serviceaccount:pb:default");

  // The HPA kubectl autoscale posts (autoscaling/v1), and RBAC granted through a protobuf binding is in force.
  await kubectl(newest, ["autoscale", "deployment", "pb1", "-n", "pb", "--max=3", "--cpu-percent=70"]);
  assert.equal(JSON.parse((await kubectl(json, ["get", "hpa", "pb1", "-n", "pb", "-o", "json"])).stdout).spec.metrics[0].resource.target.averageUtilization, 70);
  assert.equal((await kubectl(newest, ["auth", "can-i", "list", "pods", "-n", "pb", "--as=bob"])).stdout.trim(), "yes");
});

test("a protobuf body that is not an object of the URL's kind is refused with a Status, and nothing is stored", async () => {
  // A ConfigMap's bytes (as kubectl 1.33 sends them) posted to secrets.
  const cm = "6b3873000a0f0a0276311209436f6e6669674d617012220a180a05636170636d12001a0370333322002a0032003800420012060a016b1201761a002200";
  const post = (path: string, hex: string) => c.api(path, { method: "POST", headers: { "content-type": "application/vnd.kubernetes.protobuf" }, body: Buffer.from(hex, "hex") });
  let r = await post("/api/v1/namespaces/default/secrets", cm);
  assert.equal(r.status, 400);
  assert.match(((await r.json()) as any).message, /kind in the data \(ConfigMap\) does not match the expected kind \(Secret\)/);
  r = await post("/api/v1/namespaces/default/configmaps", "00112233");
  assert.equal(r.status, 400);
  assert.equal(((await r.json()) as any).kind, "Status");
  r = await post("/api/v1/namespaces/default/configmaps", cm.slice(0, 60));
  assert.equal(r.status, 400);
  assert.equal(((await (await c.api("/api/v1/namespaces/default/configmaps/capcm")).json()) as any).code, 404);
  // The same bytes where they belong: created (the namespace in the body is the URL's or absent).
  r = await post("/api/v1/namespaces/p33/configmaps", cm);
  assert.equal(r.status, 404, "namespace p33 does not exist");
  await c.api("/api/v1/namespaces", { method: "POST", headers: { "content-type": "application/json" }, body: '{"metadata":{"name":"p33"}}' });
  r = await post("/api/v1/namespaces/p33/configmaps", cm);
  assert.equal(r.status, 201);
  assert.deepEqual(((await r.json()) as any).data, { k: "v" });
});

test("kubectl certificate approve and deny from a kubectl that sends protobuf (the /approval update is a protobuf CertificateSigningRequest)", async () => {
  assert.ok(newest, `needs kubectl 1.32 or 1.33 in ${SDK}`);
  const { csr } = await certificateRequest("CN=pb");
  const request = Buffer.from(csr).toString("base64");
  for (const name of ["pb-yes", "pb-no"]) {
    const r = await c.api("/apis/certificates.k8s.io/v1/certificatesigningrequests", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ metadata: { name }, spec: { request, signerName: "example.com/pb", usages: ["digital signature"] } }) });
    assert.equal(r.status, 201, await r.text());
  }
  const approve = await kubectl(newest, ["certificate", "approve", "pb-yes"], true);
  assert.match(approve.stderr, /Content-Type: application\/vnd\.kubernetes\.protobuf/, "kubectl sent protobuf");
  await kubectl(newest, ["certificate", "deny", "pb-no"]);
  const conditions = async (name: string) => JSON.parse((await kubectl(json, ["get", "csr", name, "-o", "json"])).stdout).status.conditions.map((x: { type: string; reason: string; status: string }) => `${x.type}/${x.status}/${x.reason}`);
  assert.deepEqual(await conditions("pb-yes"), ["Approved/True/KubectlApprove"]);
  assert.deepEqual(await conditions("pb-no"), ["Denied/True/KubectlDeny"]);
});
