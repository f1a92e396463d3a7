import { test } from "node:test";
import assert from "node:assert/strict";
import { serviceAccountAdmission, SERVICE_ACCOUNT_MOUNT_PATH } from "./serviceaccount.js";
import type { KObject } from "../registry/types.js";

const pod = (spec: object): KObject => ({ metadata: { name: "p" }, spec: { containers: [{ name: "a", image: "x" }], ...spec } });

test("a pod gets the default ServiceAccount and the kube-api-access volume in every container", () => {
  const p = pod({ initContainers: [{ name: "i", image: "x" }] });
  serviceAccountAdmission(p);
  const spec = p.spec as { serviceAccountName: string; volumes: { name: string }[]; containers: { volumeMounts: object[] }[]; initContainers: { volumeMounts: object[] }[] };
  assert.equal(spec.serviceAccountName, "default");
  assert.match(spec.volumes[0].name, /^kube-api-access-[a-z0-9]{5}$/);
  for (const c of [...spec.containers, ...spec.initContainers]) assert.deepEqual(c.volumeMounts, [{ name: spec.volumes[0].name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }]);
});

test("automountServiceAccountToken: false, or a mount of its own at the path, leaves the pod without it", () => {
  const off = pod({ serviceAccountName: "builder", automountServiceAccountToken: false });
  serviceAccountAdmission(off);
  assert.equal((off.spec as { volumes?: unknown[] }).volumes, undefined);
  assert.equal((off.spec as { serviceAccountName: string }).serviceAccountName, "builder");
  const own = pod({ containers: [{ name: "a", image: "x", volumeMounts: [{ name: "mine", mountPath: SERVICE_ACCOUNT_MOUNT_PATH }] }], volumes: [{ name: "mine", emptyDir: {} }] });
  serviceAccountAdmission(own);
  assert.equal((own.spec as { volumes: unknown[] }).volumes.length, 1);
});
