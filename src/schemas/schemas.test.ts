/** Validation behaviour of the generated schemas on real-looking objects. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as v from "valibot";
import { definitions, gvkToDefinition } from "./generated/index.js";

const schemaOf = (gvk: string) => {
  const name = gvkToDefinition[gvk];
  assert.ok(name, `no definition for ${gvk}`);
  return definitions[name];
};
const Deployment = schemaOf("apps/v1/Deployment");
const Pod = schemaOf("/v1/Pod");
const Service = schemaOf("/v1/Service");

function deployment() {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "default",
      labels: { app: "web" },
      creationTimestamp: "2024-05-01T10:00:00Z",
      ownerReferences: [{ apiVersion: "v1", kind: "Foo", name: "foo", uid: "1234" }],
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["fe"] }] },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            {
              name: "nginx",
              image: "nginx:1.27",
              ports: [{ containerPort: 80, protocol: "TCP" }],
              env: [{ name: "A", value: "b" }, { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
              resources: { limits: { cpu: "500m", memory: "128Mi" }, requests: { cpu: 0.25 } },
              readinessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5 },
            },
          ],
          volumes: [{ name: "cfg", configMap: { name: "web-config" } }],
        },
      },
    },
    status: { replicas: 3, observedGeneration: 2, conditions: [{ type: "Available", status: "True" }] },
  };
}

const issuesOf = (schema: v.GenericSchema, input: unknown) => v.safeParse(schema, input).issues ?? [];

test("a valid Deployment, Pod and Service parse", () => {
  const d = v.safeParse(Deployment, deployment());
  assert.equal(d.success, true, JSON.stringify(d.issues?.map((i) => [v.getDotPath(i), i.message])));
  assert.deepEqual(d.output, deployment());

  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", annotations: { a: "b" } },
    spec: {
      containers: [{ name: "c", image: "busybox", command: ["sleep", "3600"], securityContext: { runAsUser: 1000 } }],
      tolerations: [{ key: "k", operator: "Exists", effect: "NoSchedule", tolerationSeconds: 30 }],
      restartPolicy: "Always",
    },
    status: { phase: "Running", podIPs: [{ ip: "10.0.0.1" }], startTime: "2024-05-01T10:00:00Z" },
  };
  assert.deepEqual(issuesOf(Pod, pod), []);

  const svc = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "s" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }, { port: 443, targetPort: "https" }], type: "ClusterIP" },
  };
  assert.deepEqual(issuesOf(Service, svc), []);
});

test("an unknown field is a strict_object issue with its path", () => {
  const obj = deployment() as Record<string, any>;
  obj.spec.template.spec.containers[0].foo = "bar";
  const issues = issuesOf(Deployment, obj);
  assert.equal(issues.length, 1);
  const [issue] = issues;
  assert.ok(issue);
  assert.equal(issue.type, "strict_object");
  assert.equal(issue.expected, "never");
  assert.equal(issue.input, "foo");
  assert.equal(v.getDotPath(issue), "spec.template.spec.containers.0.foo");
  assert.deepEqual(
    issue.path?.map((p) => p.key),
    ["spec", "template", "spec", "containers", 0, "foo"],
  );
});

test("every unknown field of an object is reported, and the output drops them", () => {
  const obj = deployment() as Record<string, any>;
  obj.spec.foo = 1;
  obj.spec.bar = 2;
  obj.metadata.baz = 3;
  const result = v.safeParse(Deployment, obj);
  const unknown = (result.issues ?? []).filter((i) => i.type === "strict_object" && i.expected === "never");
  assert.deepEqual(unknown.map((i) => v.getDotPath(i)).sort(), ["metadata.baz", "spec.bar", "spec.foo"]);
  assert.equal(result.issues?.length, 3);
  assert.deepEqual(result.output, deployment());
});

test("a wrong type is a type issue at its path", () => {
  const obj = deployment() as Record<string, any>;
  obj.spec.replicas = "3";
  const [issue, ...rest] = issuesOf(Deployment, obj);
  assert.ok(issue);
  assert.equal(rest.length, 0);
  assert.equal(issue.kind, "schema");
  assert.equal(issue.type, "number");
  assert.equal(v.getDotPath(issue), "spec.replicas");

  obj.spec.replicas = 1.5; // Kubernetes numbers are integers
  assert.deepEqual(issuesOf(Deployment, obj).map((i) => [i.type, v.getDotPath(i)]), [["integer", "spec.replicas"]]);

  obj.spec.replicas = 1;
  obj.spec.template.spec.containers[0].ports[0].containerPort = "80";
  assert.deepEqual(
    issuesOf(Deployment, obj).map((i) => [i.type, v.getDotPath(i)]),
    [["number", "spec.template.spec.containers.0.ports.0.containerPort"]],
  );
});

test("a missing required field is reported", () => {
  const obj = deployment() as Record<string, any>;
  delete obj.spec.template.spec.containers[0].name;
  const [issue, ...rest] = issuesOf(Deployment, obj);
  assert.ok(issue);
  assert.equal(rest.length, 0);
  assert.equal(issue.type, "strict_object");
  assert.equal(issue.input, undefined);
  assert.equal(issue.expected, '"name"');
  assert.equal(v.getDotPath(issue), "spec.template.spec.containers.0.name");
});

test("null is accepted for optional fields, not for required ones", () => {
  const obj = deployment() as Record<string, any>;
  obj.metadata.annotations = null;
  obj.spec.replicas = null;
  obj.spec.strategy = null;
  obj.spec.template.spec.containers[0].resources = null;
  obj.status = null;
  assert.deepEqual(issuesOf(Deployment, obj), []);

  obj.spec.template.spec.containers[0].name = null;
  assert.deepEqual(
    issuesOf(Deployment, obj).map((i) => [i.type, v.getDotPath(i)]),
    [["string", "spec.template.spec.containers.0.name"]],
  );
});

test("IntOrString and Quantity accept both strings and numbers", () => {
  const obj = deployment() as Record<string, any>;
  obj.spec.strategy.rollingUpdate = { maxSurge: 2, maxUnavailable: "10%" };
  obj.spec.template.spec.containers[0].resources = { limits: { cpu: 2, memory: "1Gi" } };
  assert.deepEqual(issuesOf(Deployment, obj), []);
  obj.spec.strategy.rollingUpdate.maxSurge = true;
  assert.deepEqual(issuesOf(Deployment, obj).map((i) => [i.type, v.getDotPath(i)]), [["union", "spec.strategy.rollingUpdate.maxSurge"]]);
});

test("gvkToDefinition covers the root kinds and their lists", () => {
  assert.equal(gvkToDefinition["/v1/Pod"], "io.k8s.api.core.v1.Pod");
  assert.equal(gvkToDefinition["/v1/PodList"], "io.k8s.api.core.v1.PodList");
  assert.equal(gvkToDefinition["apps/v1/Deployment"], "io.k8s.api.apps.v1.Deployment");
  assert.equal(gvkToDefinition["events.k8s.io/v1/Event"], "io.k8s.api.events.v1.Event");
  assert.equal(gvkToDefinition["coordination.k8s.io/v1/Lease"], "io.k8s.api.coordination.v1.Lease");
  assert.equal(gvkToDefinition["autoscaling/v1/Scale"], "io.k8s.api.autoscaling.v1.Scale");
  assert.equal(gvkToDefinition["/v1/Status"], "io.k8s.apimachinery.pkg.apis.meta.v1.Status");
  assert.equal(gvkToDefinition["apps/v1/DeleteOptions"], "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions");
  for (const name of Object.values(gvkToDefinition)) assert.ok(definitions[name], name);
});
