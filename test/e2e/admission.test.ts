/**
 * Admission, encryption at rest, audit and overload protection, with the
 * real kubectl against the local control plane: ResourceQuota, LimitRange
 * and PodSecurity answer as Kubernetes does; a Secret's value is nowhere in
 * the persisted state; the audit log shows who created what; a user over a
 * (test-sized) rate limit gets 429 with Retry-After.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { startCluster, eventually, type TestCluster } from "../helpers/cluster.js";

let c: TestCluster;
before(async () => {
  c = await startCluster();
});
after(async () => {
  await c?.dispose();
});

const pod = (name: string, extra = "") => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  containers:
  - name: app
    image: busybox
${extra}`;

test("ResourceQuota pods=2: the third pod is refused with exceeded quota; status.used is charged", async () => {
  await c.kubectl(["create", "namespace", "quota"]);
  await c.kubectl(["-n", "quota", "create", "quota", "q", "--hard=pods=2,configmaps=5"]);
  await c.kubectl(["-n", "quota", "apply", "-f", "-"], { input: pod("p1") });
  await c.kubectl(["-n", "quota", "apply", "-f", "-"], { input: pod("p2") });
  const third = await c.kubectl(["-n", "quota", "apply", "-f", "-"], { input: pod("p3"), allowFail: true });
  assert.notEqual(third.code, 0);
  assert.match(third.stderr, /pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2/);
  const q = JSON.parse((await c.kubectl(["-n", "quota", "get", "quota", "q", "-o", "json"])).stdout);
  assert.equal(q.status.hard.pods, "2");
  assert.equal(q.status.used.pods, "2");
  const table = (await c.kubectl(["-n", "quota", "get", "quota"])).stdout;
  assert.match(table, /NAME\s+AGE\s+REQUEST\s+LIMIT/);
  assert.match(table, /configmaps: [01]\/5, pods: 2\/2/);
  // Deleting a pod frees its share at once for admission (usage is counted live).
  await c.kubectl(["-n", "quota", "delete", "pod", "p1", "--grace-period=0", "--force"], { allowFail: true });
  await eventually(async () => (await c.kubectl(["-n", "quota", "apply", "-f", "-"], { input: pod("p3"), allowFail: true })).code === 0, 10_000, "p3 admitted after p1 left");
});

test("LimitRange fills in default requests and limits (kubectl get pod -o yaml shows them) and refuses pods over max", async () => {
  await c.kubectl(["create", "namespace", "limits"]);
  await c.kubectl(["-n", "limits", "apply", "-f", "-"], {
    input: `apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m, memory: 128Mi}
    max: {cpu: "1"}
`,
  });
  assert.match((await c.kubectl(["-n", "limits", "get", "limitranges"])).stdout, /defaults\s+\d{4}-\d\d-\d\dT/);
  await c.kubectl(["-n", "limits", "apply", "-f", "-"], { input: pod("plain") });
  const yaml = (await c.kubectl(["-n", "limits", "get", "pod", "plain", "-o", "yaml"])).stdout;
  assert.match(yaml, /limits:\n\s+cpu: 500m\n\s+memory: 256Mi\n\s+requests:\n\s+cpu: 100m\n\s+memory: 128Mi/);
  assert.match(yaml, /kubernetes.io\/limit-ranger: 'LimitRanger plugin set: cpu, memory request for container\s+app; cpu, memory limit for container app'/);
  assert.match(yaml, /qosClass: Burstable/);
  const big = await c.kubectl(["-n", "limits", "apply", "-f", "-"], { input: pod("big", "    resources:\n      limits: {cpu: \"2\"}\n"), allowFail: true });
  assert.match(big.stderr, /pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2/);
});

test("PodSecurity restricted refuses a privileged pod with Kubernetes' message; warn mode warns", async () => {
  await c.kubectl(["create", "namespace", "secure"]);
  await c.kubectl(["label", "namespace", "secure", "pod-security.kubernetes.io/enforce=restricted"]);
  const r = await c.kubectl(["-n", "secure", "apply", "-f", "-"], { input: pod("priv", "    securityContext:\n      privileged: true\n"), allowFail: true });
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /pods "priv" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "app" must set securityContext.allowPrivilegeEscalation=false\), unrestricted capabilities \(container "app" must set securityContext.capabilities.drop=\["ALL"\]\), privileged \(container "app" must not set securityContext.privileged=true\), runAsNonRoot != true \(pod or container "app" must set securityContext.runAsNonRoot=true\), seccompProfile \(pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"\)/,
  );
  await c.kubectl(["label", "--overwrite", "namespace", "secure", "pod-security.kubernetes.io/enforce=privileged", "pod-security.kubernetes.io/warn=baseline"]);
  const w = await c.kubectl(["-n", "secure", "apply", "-f", "-"], { input: pod("priv", "    securityContext:\n      privileged: true\n") });
  assert.match(w.stderr, /Warning: would violate PodSecurity "baseline:latest": privileged \(container "app" must not set securityContext.privileged=true\)/);
});

function grepDir(dir: string, needle: Buffer): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) hits.push(...grepDir(p, needle));
    else if (readFileSync(p).includes(needle)) hits.push(p);
  }
  return hits;
}

test("a Secret's value is nowhere in the persisted state (objects, event log), but reads return it; rotation re-encrypts", async () => {
  const value = `s3cr3t-${randomBytes(8).toString("hex")}`;
  await c.kubectl(["create", "secret", "generic", "db", `--from-literal=password=${value}`]);
  const created = JSON.parse((await c.kubectl(["get", "secret", "db", "-o", "json"])).stdout);
  await c.kubectl(["patch", "secret", "db", "-p", JSON.stringify({ stringData: { other: value } })]);
  const got = JSON.parse((await c.kubectl(["get", "secret", "db", "-o", "json"])).stdout);
  assert.equal(Buffer.from(got.data.password, "base64").toString(), value);
  // The event log replays in plaintext to a watch resuming from before the create.
  const since = Number(created.metadata.resourceVersion) - 1;
  const history = await (await c.api(`/api/v1/namespaces/default/secrets?watch=true&resourceVersion=${since}&timeoutSeconds=1`)).text();
  assert.match(history, /"type":"ADDED".*"name":"db"/);
  assert.ok(history.includes(Buffer.from(value).toString("base64")));
  const state = join(c.home, "state");
  const b64 = Buffer.from(value).toString("base64");
  // Let SQLite checkpoint its WAL as it will; plaintext must not be in either file.
  assert.deepEqual(grepDir(state, Buffer.from(value)), []);
  assert.deepEqual(grepDir(state, Buffer.from(b64)), []);
  const rotate = await c.api("/edgeplane/v1/encryption/rotate", { method: "POST" });
  assert.equal(rotate.status, 200);
  const res = (await rotate.json()) as { stores: number; rewritten: number };
  assert.ok(res.stores >= 4);
  assert.equal(Buffer.from(JSON.parse((await c.kubectl(["get", "secret", "db", "-o", "json"])).stdout).data.other, "base64").toString(), value);
});

test("the audit log shows the admin's kubectl create, from where it came", async () => {
  await c.kubectl(["create", "configmap", "audited", "--from-literal=a=b"]);
  const entry = await eventually(async () => {
    const r = await c.api("/edgeplane/v1/audit?limit=50&verb=create&resource=configmaps");
    const body = (await r.json()) as { items: { user: string; verb: string; name: string; namespace: string; code: number; userAgent: string; groups: string[]; time: string; uri: string; sourceIP: string }[] };
    return body.items.find((e) => e.name === "audited");
  }, 10_000, "the audit entry");
  assert.equal(entry.user, "admin");
  assert.equal(entry.namespace, "default");
  assert.equal(entry.code, 201);
  assert.match(entry.userAgent, /^kubectl/);
  assert.equal(entry.sourceIP, "127.0.0.1");
  assert.match(entry.uri, /^\/api\/v1\/namespaces\/default\/configmaps\?fieldManager=kubectl-create&fieldValidation=Strict$/);
  assert.ok(entry.groups.includes("system:masters") && !Number.isNaN(Date.parse(entry.time)));
  const bad = await c.api("/edgeplane/v1/audit?limit=abc");
  assert.equal(bad.status, 400);
});

test("over a (low, test-configured) per-user rate limit: 429 Too Many Requests with Retry-After and a Status", async () => {
  const limited = await startCluster({ bindings: { RATE_LIMIT_QPS: "2", RATE_LIMIT_BURST: "5", RATE_LIMIT_EXEMPT_GROUPS: "", MAX_WATCHES_PER_USER: "2" } });
  try {
    const codes: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) {
      last = await limited.api("/api/v1/namespaces/default/configmaps");
      codes.push(last.status);
      if (last.status === 429) break;
    }
    assert.equal(last?.status, 429, `codes: ${codes.join(",")}`);
    assert.ok(Number(last!.headers.get("retry-after")) >= 1);
    const status = (await last!.json()) as { kind: string; reason: string; code: number; details: { retryAfterSeconds: number } };
    assert.equal(status.kind, "Status");
    assert.equal(status.reason, "TooManyRequests");
    assert.equal(status.code, 429);
    await new Promise((r) => setTimeout(r, 3000));
    // Watches: at most two open at once for this user.
    const w1 = await limited.api("/api/v1/namespaces/default/configmaps?watch=true");
    const w2 = await limited.api("/api/v1/namespaces/default/configmaps?watch=true");
    const w3 = await limited.api("/api/v1/namespaces/default/configmaps?watch=true");
    assert.deepEqual([w1.status, w2.status, w3.status], [200, 200, 429]);
    assert.match(((await w3.json()) as { message: string }).message, /too many concurrent watches/);
    await w1.body?.cancel();
    // workerd notices a departed client at the stream's next write.
    await limited.api("/api/v1/namespaces/default/configmaps", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ metadata: { name: "nudge" } }) });
    await new Promise((r) => setTimeout(r, 1000));
    const w4 = await limited.api("/api/v1/namespaces/default/configmaps?watch=true");
    assert.equal(w4.status, 200, "a slot frees when a watch ends");
    await w2.body?.cancel();
    await w4.body?.cancel();
  } finally {
    await limited.dispose();
  }
});

test("ValidatingAdmissionPolicy: CEL validations deny, warn, read params from another namespace, and guard deletes", async () => {
  await c.kubectl(["create", "namespace", "vap"]);
  await c.kubectl(["create", "namespace", "vap-config"]);
  await c.kubectl(["-n", "vap-config", "create", "configmap", "limits", "--from-literal=maxReplicas=3"]);
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: vap}}
  validations:
  - expression: object.spec.replicas <= int(params.data.maxReplicas)
    messageExpression: "'replicas must be at most ' + params.data.maxReplicas"
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: replica-limit-binding}
spec:
  policyName: replica-limit
  validationActions: [Deny]
  paramRef: {name: limits, namespace: vap-config, parameterNotFoundAction: Deny}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: keep-protected}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [DELETE], resources: [configmaps]}
  validations:
  - expression: "!has(oldObject.metadata.labels) || !('protected' in oldObject.metadata.labels)"
    message: protected ConfigMaps cannot be deleted
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: keep-protected}
spec: {policyName: keep-protected, validationActions: [Deny]}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: want-team-label}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  validations:
  - {expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: every ConfigMap should name its team}
  auditAnnotations:
  - {key: team, valueExpression: "has(object.metadata.labels) && 'team' in object.metadata.labels ? object.metadata.labels['team'] : 'none'"}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: want-team-label}
spec:
  policyName: want-team-label
  validationActions: [Warn, Audit]
  matchResources: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: vap}}}
`,
  });
  const table = (await c.kubectl(["get", "validatingadmissionpolicies"])).stdout;
  assert.match(table, /^NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE$/m);
  assert.match(table, /^replica-limit\s+1\s+v1\/ConfigMap\s+\d+s$/m);
  assert.match((await c.kubectl(["get", "validatingadmissionpolicybindings"])).stdout, /^replica-limit-binding\s+replica-limit\s+vap-config\/limits\s+\d+s$/m);

  // Policies reach every store within about a second (as an apiserver's informers lag).
  let r = await eventually(
    async () => {
      const out = await c.kubectl(["-n", "vap", "create", "deployment", "big", "--image=busybox", "--replicas=5", "--dry-run=server"], { allowFail: true });
      return out.code !== 0 ? out : undefined;
    },
    10_000,
    "the policy denies",
  );
  assert.match(r.stderr, /deployments\.apps "big" is forbidden: ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-binding' denied request: replicas must be at most 3/);
  r = await c.kubectl(["-n", "vap", "create", "deployment", "big", "--image=busybox", "--replicas=5"], { allowFail: true });
  assert.match(r.stderr, /denied request: replicas must be at most 3/);
  assert.equal((await c.kubectl(["-n", "vap", "get", "deployment", "big"], { allowFail: true })).code, 1, "nothing stored");
  await c.kubectl(["-n", "vap", "create", "deployment", "small", "--image=busybox", "--replicas=2"]);
  r = await c.kubectl(["-n", "vap", "scale", "deployment", "small", "--replicas=4"], { allowFail: true });
  assert.equal(r.code, 0, "the scale subresource is not in the policy's rules");
  r = await c.kubectl(["-n", "vap", "patch", "deployment", "small", "-p", '{"spec":{"replicas":9}}'], { allowFail: true });
  assert.match(r.stderr, /denied request: replicas must be at most 3/);
  await c.kubectl(["-n", "default", "create", "deployment", "elsewhere", "--image=busybox", "--replicas=5"]);

  // The params live in another namespace: raising the limit there lets the Deployment in.
  await c.kubectl(["-n", "vap-config", "patch", "configmap", "limits", "-p", '{"data":{"maxReplicas":"10"}}']);
  await eventually(async () => (await c.kubectl(["-n", "vap", "create", "deployment", "big", "--image=busybox", "--replicas=5"], { allowFail: true })).code === 0, 10_000, "new params apply");

  // Warn: admitted with kubectl's "Warning:" line.
  r = await c.kubectl(["-n", "vap", "create", "configmap", "unlabelled", "--from-literal=a=b"]);
  assert.match(r.stderr, /Warning: Validation failed for ValidatingAdmissionPolicy 'want-team-label' with binding 'want-team-label': every ConfigMap should name its team/);
  // Audit: the failure and the policy's auditAnnotations are on the request's audit entry.
  const audited = await eventually(async () => {
    const body = (await (await c.api("/edgeplane/v1/audit?limit=100&verb=create&resource=configmaps&namespace=vap")).json()) as { items: { name: string; annotations?: Record<string, string> }[] };
    return body.items.find((e) => e.name === "unlabelled");
  }, 10_000, "the audit entry of the create");
  assert.equal(audited.annotations?.["want-team-label/team"], "none");
  assert.deepEqual(JSON.parse(audited.annotations?.["validation.policy.admission.k8s.io/validation_failure"] ?? "null"), [
    { message: "every ConfigMap should name its team", policy: "want-team-label", binding: "want-team-label", expressionIndex: 0, validationActions: ["Warn", "Audit"] },
  ]);

  // DELETE: oldObject is the live object.
  await c.kubectl(["-n", "vap", "label", "configmap", "unlabelled", "protected=yes"]);
  r = await c.kubectl(["-n", "vap", "delete", "configmap", "unlabelled"], { allowFail: true });
  assert.notEqual(r.code, 0);
  // reason Invalid (the default): 422 with the message as its cause, which kubectl prints as Kubernetes' docs show it.
  assert.match(r.stderr, /The configmaps "unlabelled" is invalid: : ValidatingAdmissionPolicy 'keep-protected' with binding 'keep-protected' denied request: protected ConfigMaps cannot be deleted/);
  await c.kubectl(["-n", "vap", "label", "configmap", "unlabelled", "protected-"]);
  await c.kubectl(["-n", "vap", "delete", "configmap", "unlabelled"]);

  // A policy whose expression does not compile is refused.
  r = await c.kubectl(["apply", "-f", "-"], {
    input: "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: broken}\nspec:\n  matchConstraints: {resourceRules: [{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}]}\n  validations: [{expression: 'object.spec.replicas <'}]\n",
    allowFail: true,
  });
  assert.match(r.stderr, /spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <": compilation failed: ERROR: <input>:1:\d+: /);
  await c.kubectl(["delete", "validatingadmissionpolicybindings", "replica-limit-binding", "keep-protected", "want-team-label"]);
  await c.kubectl(["delete", "validatingadmissionpolicies", "replica-limit", "keep-protected", "want-team-label"]);
});

test("RuntimeClass admission: a pod takes its class's overhead and scheduling; an unknown class is refused; quota counts the overhead", async () => {
  await c.kubectl(["create", "namespace", "rc"]);
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: sandboxed}
handler: runsc
overhead: {podFixed: {cpu: 250m, memory: 64Mi}}
scheduling:
  nodeSelector: {runtime: gvisor}
  tolerations: [{key: sandboxed, operator: Exists, effect: NoSchedule}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute, namespace: rc}
spec: {hard: {requests.cpu: "1"}}
`,
  });
  const pod = (name: string, cls: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: rc}\nspec:\n  runtimeClassName: ${cls}\n  nodeSelector: {zone: a}\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]\n`;
  // The class reaches the namespace's store at once: a pod naming a class it has not seen makes it look.
  await c.kubectl(["apply", "-f", "-"], { input: pod("p1", "sandboxed") });
  const spec = JSON.parse((await c.kubectl(["-n", "rc", "get", "pod", "p1", "-o", "json"])).stdout).spec;
  assert.deepEqual(spec.overhead, { cpu: "250m", memory: "64Mi" });
  assert.deepEqual(spec.nodeSelector, { zone: "a", runtime: "gvisor" });
  assert.ok(spec.tolerations.some((t: { key?: string }) => t.key === "sandboxed"));
  await eventually(async () => JSON.parse((await c.kubectl(["-n", "rc", "get", "resourcequota", "compute", "-o", "json"])).stdout).status?.used?.["requests.cpu"] === "350m", 10_000, "quota charges requests plus overhead");
  const unknown = await c.kubectl(["apply", "-f", "-"], { input: pod("p2", "kata"), allowFail: true });
  assert.match(unknown.stderr, /pods "p2" is forbidden: pod rejected: RuntimeClass "kata" not found/);
  await c.kubectl(["delete", "namespace", "rc", "--wait=false"]);
  await c.kubectl(["delete", "runtimeclass", "sandboxed"]);
});

test("ValidatingAdmissionPolicy authorizer: checks answered by RBAC, from the namespace's Roles and the cluster's bindings", async () => {
  await c.kubectl(["create", "namespace", "authz"]);
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: secret-listers-only}
spec:
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: authz}}
  validations:
  - expression: "authorizer.group('').resource('secrets').namespace(request.namespace).check('list').allowed()"
    messageExpression: "'user ' + request.userInfo.username + ' may not list secrets here'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: secret-listers-only}
spec: {policyName: secret-listers-only, validationActions: [Deny]}
`,
  });
  await c.kubectl(["-n", "authz", "create", "role", "cm-writer", "--verb=create,get", "--resource=configmaps"]);
  await c.kubectl(["-n", "authz", "create", "rolebinding", "cm-writers", "--role=cm-writer", "--user=alice", "--user=bob"]);
  const create = (who: string, name: string) => c.kubectl(["--as", who, "-n", "authz", "create", "configmap", name, "--from-literal=a=b"], { allowFail: true });
  const denied = await eventually(async () => {
    const r = await create("alice", `a-${Date.now()}`);
    return /may not list secrets/.test(r.stderr) ? r : undefined;
  }, 10_000, "the policy applies");
  assert.match(denied.stderr, /ValidatingAdmissionPolicy 'secret-listers-only' with binding 'secret-listers-only' denied request: user alice may not list secrets here/);
  // A Role in the namespace itself.
  await c.kubectl(["-n", "authz", "create", "role", "secret-lister", "--verb=list", "--resource=secrets"]);
  await c.kubectl(["-n", "authz", "create", "rolebinding", "alice-lists", "--role=secret-lister", "--user=alice"]);
  assert.equal((await create("alice", "a2")).code, 0, "alice's Role lets her");
  // A ClusterRoleBinding, read from the cluster store within about a second.
  assert.match((await create("bob", "b1")).stderr, /user bob may not list secrets here/);
  await c.kubectl(["create", "clusterrole", "secret-lister-everywhere", "--verb=list", "--resource=secrets"]);
  await c.kubectl(["create", "clusterrolebinding", "bob-lists", "--clusterrole=secret-lister-everywhere", "--user=bob"]);
  await eventually(async () => (await create("bob", `b-${Date.now()}`)).code === 0, 10_000, "bob's ClusterRoleBinding lets him");
  // The admin is in system:masters.
  await c.kubectl(["-n", "authz", "create", "configmap", "admin", "--from-literal=a=b"]);
  await c.kubectl(["delete", "validatingadmissionpolicybinding/secret-listers-only", "validatingadmissionpolicy/secret-listers-only", "clusterrolebinding/bob-lists", "clusterrole/secret-lister-everywhere"]);
  await c.kubectl(["delete", "namespace", "authz", "--wait=false"]);
});

test("admission webhook matchConditions read authorizer too: a webhook skips users RBAC lets list secrets", async () => {
  await c.kubectl(["create", "namespace", "hooked-authz"]);
  await c.kubectl(["apply", "-f", "-"], {
    input: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: unprivileged-only}
webhooks:
- name: unprivileged.example.com
  clientConfig: {service: {namespace: hooked-authz, name: nobody}}
  rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}]
  namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: hooked-authz}}
  matchConditions:
  - {name: not-secret-listers, expression: "!authorizer.group('').resource('secrets').namespace(request.namespace).check('list').allowed()"}
  failurePolicy: Fail
  sideEffects: None
  admissionReviewVersions: [v1]
`,
  });
  await c.kubectl(["-n", "hooked-authz", "create", "role", "cm-writer", "--verb=create", "--resource=configmaps"]);
  await c.kubectl(["-n", "hooked-authz", "create", "rolebinding", "carol-writes", "--role=cm-writer", "--user=carol"]);
  // carol cannot list secrets: the webhook applies, and nobody answers it.
  const failed = await eventually(async () => {
    const r = await c.kubectl(["--as", "carol", "-n", "hooked-authz", "create", "configmap", `c-${Date.now()}`, "--from-literal=a=b"], { allowFail: true });
    return r.code !== 0 ? r : undefined;
  }, 10_000, "the webhook configuration applies");
  assert.match(failed.stderr, /failed calling webhook "unprivileged\.example\.com": service "nobody" not found/);
  // The admin may list secrets: the condition skips the webhook.
  await c.kubectl(["-n", "hooked-authz", "create", "configmap", "by-admin", "--from-literal=a=b"]);
  // So may carol, once a Role in the namespace says so.
  await c.kubectl(["-n", "hooked-authz", "create", "role", "secret-lister", "--verb=list", "--resource=secrets"]);
  await c.kubectl(["-n", "hooked-authz", "create", "rolebinding", "carol-lists", "--role=secret-lister", "--user=carol"]);
  await eventually(async () => (await c.kubectl(["--as", "carol", "-n", "hooked-authz", "create", "configmap", `c-${Date.now()}`, "--from-literal=a=b"], { allowFail: true })).code === 0, 10_000, "carol skips the webhook");
  await c.kubectl(["delete", "validatingwebhookconfiguration", "unprivileged-only"]);
  await c.kubectl(["delete", "namespace", "hooked-authz", "--wait=false"]);
});
