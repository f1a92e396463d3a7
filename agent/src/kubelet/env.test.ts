import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "kubernetes-types/core/v1";
import { containerEnv, expand, serviceLinkEnv, ConfigError, type Refs } from "./env.js";

const refs: Refs = {
  configMap: async (_ns, name) => (name === "cfg" ? { data: { A: "1", B: "two" } } : undefined),
  secret: async (_ns, name) => (name === "sec" ? { data: { pw: Buffer.from("hunter2").toString("base64") } } : undefined),
  services: async () => [{ metadata: { name: "my-db" }, spec: { clusterIP: "10.96.0.9", ports: [{ name: "pg", port: 5432, protocol: "TCP" }] } }],
};
const host = { ip: "192.168.1.5", cpus: 4, memory: 8 * 2 ** 30 };

test("$(VAR) expansion: defined names replaced, $$ escapes, unknown left as written", () => {
  assert.equal(expand("a-$(X)-$(Y)-$$(X)", { X: "1" }), "a-1-$(Y)-$(X)");
});

test("service links follow Docker's naming", () => {
  const env = serviceLinkEnv([{ metadata: { name: "my-db" }, spec: { clusterIP: "10.96.0.9", ports: [{ name: "pg", port: 5432, protocol: "TCP" }] } }]);
  assert.equal(env.MY_DB_SERVICE_HOST, "10.96.0.9");
  assert.equal(env.MY_DB_SERVICE_PORT_PG, "5432");
  assert.equal(env.MY_DB_PORT_5432_TCP_ADDR, "10.96.0.9");
  assert.equal(env.MY_DB_PORT, "tcp://10.96.0.9:5432");
});

test("env resolves envFrom, values with expansion, config/secret keys, fieldRef and resourceFieldRef", async () => {
  const pod: Pod = {
    metadata: { name: "p", namespace: "ns", uid: "u1", labels: { app: "x" } },
    spec: {
      nodeName: "n1",
      containers: [
        {
          name: "c",
          resources: { limits: { cpu: "500m", memory: "64Mi" } },
          envFrom: [{ configMapRef: { name: "cfg" }, prefix: "CM_" }],
          env: [
            { name: "GREETING", value: "hi $(CM_B)" },
            { name: "PW", valueFrom: { secretKeyRef: { name: "sec", key: "pw" } } },
            { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
            { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
            { name: "CPU", valueFrom: { resourceFieldRef: { resource: "limits.cpu", divisor: "1m" } } },
            { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
            { name: "OPT", valueFrom: { configMapKeyRef: { name: "cfg", key: "missing", optional: true } } },
          ],
        },
      ],
    },
  };
  const env = await containerEnv(pod, pod.spec!.containers[0], refs, host);
  assert.equal(env.CM_A, "1");
  assert.equal(env.GREETING, "hi two");
  assert.equal(env.PW, "hunter2");
  assert.equal(env.APP, "x");
  assert.equal(env.NODE, "n1");
  assert.equal(env.CPU, "500");
  assert.equal(env.MEM, "64");
  assert.equal(env.MY_DB_SERVICE_HOST, "10.96.0.9");
  assert.equal("OPT" in env, false);
});

test("a missing non-optional key is a config error naming it", async () => {
  const pod: Pod = { metadata: { name: "p", namespace: "ns" }, spec: { enableServiceLinks: false, containers: [{ name: "c", env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "cfg", key: "nope" } } }] }] } };
  await assert.rejects(containerEnv(pod, pod.spec!.containers[0], refs, host), (e: Error) => e instanceof ConfigError && /couldn't find key nope in ConfigMap ns\/cfg/.test(e.message));
});
