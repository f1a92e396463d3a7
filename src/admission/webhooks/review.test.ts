import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../../apimachinery/status.js";
import { attrs } from "../testing.js";
import { admissionReview, callFailure, readAnswer, refusal } from "./review.js";

const cm = { metadata: { name: "c", namespace: "team", labels: { a: "b" } }, data: { k: "v" } };

test("the AdmissionReview a webhook gets: kind, resource, operation, user, object and old object, dryRun and options", () => {
  const r = admissionReview(attrs("configmaps", cm, "UPDATE", { oldObject: { ...cm, data: {} }, dryRun: true }), "uid-1");
  assert.equal(r.apiVersion, "admission.k8s.io/v1");
  assert.deepEqual(r.request.kind, { group: "", version: "v1", kind: "ConfigMap" });
  assert.deepEqual(r.request.resource, { group: "", version: "v1", resource: "configmaps" });
  assert.deepEqual([r.request.uid, r.request.operation, r.request.name, r.request.namespace, r.request.dryRun], ["uid-1", "UPDATE", "c", "team", true]);
  assert.deepEqual(r.request.userInfo, { username: "alice", groups: [] });
  assert.deepEqual(r.request.oldObject?.data, {});
  assert.deepEqual(r.request.options, { kind: "UpdateOptions", apiVersion: "meta.k8s.io/v1" });
  const del = admissionReview(attrs("configmaps", cm, "DELETE", { oldObject: cm }), "uid-2");
  assert.equal(del.request.object, null, "DELETE sends no object");
});

test("answers: allowed with a JSONPatch and warnings; refusals carry the webhook's status; malformed answers are call failures", () => {
  const patch = [{ op: "add", path: "/metadata/labels/x", value: "y" }];
  const ok = readAnswer({ kind: "AdmissionReview", response: { uid: "u", allowed: true, patchType: "JSONPatch", patch: Buffer.from(JSON.stringify(patch)).toString("base64"), warnings: ["w"] } }, "u");
  assert.deepEqual(ok, { allowed: true, patch, warnings: ["w"] });
  assert.throws(() => readAnswer({ response: { uid: "other", allowed: true } }, "u"), /expected response.uid="u", got "other"/);
  assert.throws(() => readAnswer({}, "u"), /webhook response was absent/);
  assert.throws(() => readAnswer({ response: { uid: "u", allowed: true, patch: "W10=", patchType: "Merge" } }, "u"), /unsupported patch type "Merge"/);

  const denied = refusal("v.example.com", readAnswer({ response: { uid: "u", allowed: false, status: { code: 403, message: "no" } } }, "u"));
  assert.ok(denied instanceof ApiError);
  assert.deepEqual([denied.code, denied.reason, denied.message], [403, "Forbidden", 'admission webhook "v.example.com" denied the request: no']);
  const bare = refusal("v.example.com", readAnswer({ response: { uid: "u", allowed: false } }, "u"));
  assert.deepEqual([bare.code, bare.message], [400, 'admission webhook "v.example.com" denied the request without explanation']);
  assert.equal(refusal("v", readAnswer({ response: { uid: "u", allowed: false, status: { code: 200 } } }, "u")).code, 400, "never a success code with a refusal");
  assert.equal(callFailure("v.example.com", "timeout").message, 'Internal error occurred: failed calling webhook "v.example.com": timeout');
});
