/** The OpenAPI forms of the schemas: refs, extensions, descriptions, v2 conversion. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { closureOf, getDefinitions, getSwaggerDefinitions, refsOf, type JsonSchema } from "./openapi.js";
import { definitions } from "./generated/index.js";
import { extraDefinitions } from "./extra/index.js";

const V3 = "#/components/schemas/";
const V2 = "#/definitions/";

function allRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) allRefs(x, out);
  else if (node && typeof node === "object") {
    for (const [k, val] of Object.entries(node)) {
      // JSONSchemaProps (a CRD's schema) has fields named "$ref" and "nullable": only string refs are references.
      if (k === "$ref" && typeof val === "string") out.push(val);
      else allRefs(val, out);
    }
  }
  return out;
}

test("getDefinitions has one schema per definition and is cached", () => {
  const defs = getDefinitions();
  assert.deepEqual(Object.keys(defs).sort(), [...Object.keys(definitions), ...Object.keys(extraDefinitions)].sort());
  assert.equal(getDefinitions(), defs);
  assert.equal(getSwaggerDefinitions(), getSwaggerDefinitions());
});

test("every $ref resolves (v3 and v2)", () => {
  const v3 = getDefinitions();
  const refs3 = allRefs(v3);
  assert.ok(refs3.length > 500);
  for (const ref of refs3) {
    assert.ok(ref.startsWith(V3), ref);
    assert.ok(ref.slice(V3.length) in v3, `unresolved ${ref}`);
  }
  const v2 = getSwaggerDefinitions();
  const refs2 = allRefs(v2);
  assert.equal(refs2.length, refs3.length);
  for (const ref of refs2) {
    assert.ok(ref.startsWith(V2), ref);
    assert.ok(ref.slice(V2.length) in v2, `unresolved ${ref}`);
  }
});

test("optional fields are not nullable, strict objects do not publish additionalProperties:false", () => {
  const text = JSON.stringify(getDefinitions());
  assert.ok(!text.includes('"nullable":true'));
  assert.ok(!text.includes('"additionalProperties":false'));
  assert.ok(!text.includes('"required":[]'));
});

test("Deployment carries x-kubernetes-group-version-kind; meta kinds the Kubernetes way", () => {
  const defs = getDefinitions();
  assert.deepEqual(defs["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"], [
    { group: "apps", version: "v1", kind: "Deployment" },
  ]);
  assert.deepEqual(defs["io.k8s.api.core.v1.Pod"]["x-kubernetes-group-version-kind"], [{ group: "", version: "v1", kind: "Pod" }]);
  assert.deepEqual(defs["io.k8s.apimachinery.pkg.apis.meta.v1.Status"]["x-kubernetes-group-version-kind"], [
    { group: "", version: "v1", kind: "Status" },
  ]);
  const del = defs["io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"]["x-kubernetes-group-version-kind"] as { group: string }[];
  assert.ok(del.some((g) => g.group === "") && del.some((g) => g.group === "apps") && del.some((g) => g.group === "rbac.authorization.k8s.io"));
  assert.equal(defs["io.k8s.api.apps.v1.DeploymentSpec"]["x-kubernetes-group-version-kind"], undefined);
});

test("PodSpec.containers carries the merge key and list-map keys", () => {
  const containers = getDefinitions()["io.k8s.api.core.v1.PodSpec"].properties!.containers as JsonSchema;
  assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
  assert.equal(containers["x-kubernetes-patch-strategy"], "merge");
  assert.equal(containers["x-kubernetes-list-type"], "map");
  assert.deepEqual(containers["x-kubernetes-list-map-keys"], ["name"]);
  assert.deepEqual(containers.items, { $ref: `${V3}io.k8s.api.core.v1.Container` });
  const volumes = getSwaggerDefinitions()["io.k8s.api.core.v1.PodSpec"].properties!.volumes as JsonSchema;
  assert.equal(volumes["x-kubernetes-patch-strategy"], "merge,retainKeys");
  assert.equal(getDefinitions()["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]["x-kubernetes-map-type"], "atomic");
});

test("descriptions survive on scalar fields, on ref fields (allOf) and on types", () => {
  const defs = getDefinitions();
  const spec = defs["io.k8s.api.apps.v1.DeploymentSpec"];
  const replicas = spec.properties!.replicas as JsonSchema;
  assert.equal(replicas.type, "integer");
  assert.equal(replicas.format, "int32");
  assert.match(replicas.description!, /Number of desired pods/);
  assert.match(spec.description!, /DeploymentSpec is the specification/);
  assert.deepEqual(spec.required, ["selector", "template"]);

  const template = spec.properties!.template as JsonSchema;
  assert.deepEqual(template.allOf, [{ $ref: `${V3}io.k8s.api.core.v1.PodTemplateSpec` }]);
  assert.match(template.description!, /Template describes the pods/);

  const v2template = getSwaggerDefinitions()["io.k8s.api.apps.v1.DeploymentSpec"].properties!.template as JsonSchema;
  assert.equal(v2template.$ref, `${V2}io.k8s.api.core.v1.PodTemplateSpec`);
  assert.equal(v2template.description, template.description);
});

test("special types have Kubernetes' forms", () => {
  const v3 = getDefinitions();
  const v2 = getSwaggerDefinitions();
  const ios = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  assert.equal(v3[ios].format, "int-or-string");
  assert.deepEqual(v3[ios].oneOf, [{ type: "integer" }, { type: "string" }]);
  assert.equal(v2[ios].type, "string");
  assert.equal(v2[ios].format, "int-or-string");
  const q = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  assert.deepEqual(v3[q].oneOf, [{ type: "string" }, { type: "number" }]);
  assert.equal(v2[q].type, "string");
  assert.match(v2[q].description!, /fixed-point/);
  assert.equal(v3["io.k8s.apimachinery.pkg.apis.meta.v1.Time"].format, "date-time");
  assert.equal(v3["io.k8s.apimachinery.pkg.runtime.RawExtension"].type, "object");
  const maxSurge = v3["io.k8s.api.apps.v1.RollingUpdateDeployment"].properties!.maxSurge as JsonSchema;
  assert.deepEqual(maxSurge.allOf, [{ $ref: `${V3}${ios}` }]);
});

test("closureOf collects a definition and everything it references", () => {
  const c = closureOf(["io.k8s.api.coordination.v1.Lease"]);
  assert.deepEqual(Object.keys(c).filter((k) => !k.startsWith("io.k8s.apimachinery.pkg.apis.meta.v1.")), [
    "io.k8s.api.coordination.v1.Lease",
    "io.k8s.api.coordination.v1.LeaseSpec",
  ]);
  assert.ok("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in c);
  for (const schema of Object.values(c)) for (const ref of refsOf(schema)) assert.ok(ref in c, ref);
});
