import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/status.js";
import { podSecurity, evaluate } from "./podsecurity.js";
import { FakeNamespace, attrs, pod } from "./testing.js";
import type { PodSpec } from "./pod-resources.js";

const restricted = { "pod-security.kubernetes.io/enforce": "restricted" };
const good = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };

test("restricted refuses a privileged pod with Kubernetes' message", () => {
  const ns = new FakeNamespace(restricted);
  const p = pod("priv", [{ name: "c", image: "busybox", securityContext: { privileged: true } }]);
  assert.throws(
    () => podSecurity.validate!(attrs("pods", p), ns),
    (e: unknown) =>
      e instanceof ApiError &&
      e.code === 403 &&
      e.message ===
        'pods "priv" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), privileged (container "c" must not set securityContext.privileged=true), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  );
  podSecurity.validate!(attrs("pods", pod("ok", [{ name: "c", securityContext: good }])), ns);
});

test("baseline: host namespaces, hostPath, hostPorts, capabilities; restricted adds volume types and runAsUser", () => {
  const spec: PodSpec = {
    hostNetwork: true,
    hostPID: true,
    volumes: [{ name: "root", hostPath: { path: "/" } }, { name: "cfg", configMap: { name: "x" } }],
    containers: [
      { name: "a", ports: [{ hostPort: 80, containerPort: 80 }], securityContext: { capabilities: { add: ["NET_ADMIN", "CHOWN"] } } },
      { name: "b", ports: [{ hostPort: 443 }], securityContext: { ...good, runAsUser: 0 } },
    ],
  };
  const b = evaluate("baseline", spec).map((v) => `${v.reason} (${v.detail})`);
  assert.deepEqual(b, [
    'non-default capabilities (container "a" must not include "NET_ADMIN" in securityContext.capabilities.add)',
    "host namespaces (hostNetwork=true, hostPID=true)",
    'hostPath volumes (volume "root")',
    'hostPort (containers "a", "b" use hostPorts 80, 443)',
  ]);
  const r = evaluate("restricted", spec).map((v) => v.reason);
  assert.ok(r.includes("restricted volume types") && r.includes("runAsUser=0") && r.includes("unrestricted capabilities"));
  assert.deepEqual(evaluate("privileged", spec), []);
});

test("warn mode answers with a warning, unlabelled namespaces and workload templates are not refused", () => {
  const warnNs = new FakeNamespace({ "pod-security.kubernetes.io/warn": "baseline" });
  podSecurity.validate!(attrs("pods", pod("p", [{ name: "c", securityContext: { privileged: true } }])), warnNs);
  assert.deepEqual(warnNs.warnings, ['would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)']);
  podSecurity.validate!(attrs("pods", pod("p", [{ name: "c", securityContext: { privileged: true } }])), new FakeNamespace());
  const enforced = new FakeNamespace({ ...restricted, "pod-security.kubernetes.io/enforce-version": "v1.30" });
  const deploy = { metadata: { name: "d" }, spec: { template: { spec: { containers: [{ name: "c", securityContext: { privileged: true } }] } } } };
  podSecurity.validate!(attrs("deployments.apps", deploy), enforced);
  assert.match(enforced.warnings[0], /^would violate PodSecurity "restricted:v1.30": /);
});
