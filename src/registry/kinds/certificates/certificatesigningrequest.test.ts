import { test, before } from "node:test";
import assert from "node:assert/strict";
import { prepareCreate, prepareUpdate } from "../../strategy.js";
import { ApiError } from "../../../apimachinery/status.js";
import { certificateRequest, servingCert } from "../../../cli/pki.js";
import { base64 } from "../core/secret.js";
import type { KObject, StrategyContext } from "../../types.js";
import { certificateSigningRequest as kind, signerNameErrors } from "./certificatesigningrequest.js";

const ctx: StrategyContext = { now: Date.parse("2026-01-01T00:00:00Z"), nowRfc3339: "2026-01-01T00:00:00Z", user: { username: "jane", groups: ["dev", "system:authenticated"] } };
const opts = { fieldValidation: "Strict" as const, ctx, namespace: "" };

async function body(extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const { csr } = await certificateRequest("CN=jane");
  return { apiVersion: "certificates.k8s.io/v1", kind: "CertificateSigningRequest", metadata: { name: "jane" }, spec: { request: base64(csr), signerName: "example.com/signer", usages: ["client auth"], ...extra } };
}

function invalid(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError && e.code === 422) return e.message;
    throw e;
  }
  assert.fail("expected 422 Invalid");
}

/** A valid request body, made once. */
let base: { spec: Record<string, unknown> } & Record<string, unknown>;
before(async () => {
  base = (await body()) as typeof base;
});

const update = (old: KObject, change: (o: KObject) => void, subresource?: string) => {
  const next = structuredClone(old);
  change(next);
  return prepareUpdate(kind, next as unknown as Record<string, unknown>, old, { ...opts, subresource }).obj;
};

test("create stamps the requester, drops any claimed identity and status", async () => {
  const { obj } = prepareCreate(kind, { ...(await body({ username: "mallory", groups: ["system:masters"], uid: "u", extra: { a: ["b"] } })), status: { conditions: [{ type: "Approved", status: "True" }] } }, opts);
  assert.deepEqual(obj.spec, { request: (obj.spec as { request: string }).request, signerName: "example.com/signer", usages: ["client auth"], username: "jane", groups: ["dev", "system:authenticated"] });
  assert.deepEqual(obj.status, {});
});

test("create validation: request, usages, signer name, duration (Kubernetes' messages)", async () => {
  assert.match(invalid(() => prepareCreate(kind, { ...base, spec: { ...base.spec, request: base64("hello") } }, opts)), /spec\.request: Invalid value: .*: PEM block type must be CERTIFICATE REQUEST/);
  const { cert } = await servingCert("CN=x", ["a.example"]);
  assert.match(invalid(() => prepareCreate(kind, { ...base, spec: { ...base.spec, request: base64(cert) } }, opts)), /PEM block type must be CERTIFICATE REQUEST/);
  const bad = await body({ usages: ["client auth", "client auth", "bogus"], signerName: "kubernetes.io/legacy-unknown", expirationSeconds: 60 });
  const m = invalid(() => prepareCreate(kind, bad, opts));
  assert.match(m, /spec\.usages\[1\]: Duplicate value: "client auth"/);
  assert.match(m, /spec\.usages\[2\]: Unsupported value: "bogus"/);
  assert.match(m, /spec\.signerName: Invalid value: "kubernetes.io\/legacy-unknown": the legacy signerName is not allowed via this API version/);
  assert.match(m, /spec\.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds/);
  assert.match(invalid(() => prepareCreate(kind, { ...base, spec: { ...base.spec, usages: [] } }, opts)), /spec\.usages: Required value/);
});

test("signer names: domain with a dot, a slash, a DNS subdomain path", () => {
  assert.deepEqual(signerNameErrors("example.com/my-signer", "f"), []);
  assert.match(signerNameErrors("nodomain", "f")[0].message, /must be a fully qualified domain and path of the form 'example.com\/signer-name'/);
  assert.match(signerNameErrors("a/b/c", "f")[0].message, /fully qualified domain and path/);
  assert.match(signerNameErrors("example/signer", "f")[0].message, /should be a domain with at least two segments separated by dots/);
  assert.match(signerNameErrors("Example.com/signer", "f")[0].message, /validating label "Example"/);
  assert.match(signerNameErrors("example.com/Signer_", "f")[0].message, /Invalid value: "Signer_"/);
  assert.equal(signerNameErrors(undefined, "f")[0].type, "FieldValueRequired");
});

test("approval, status and main-resource updates each allow their own changes", async () => {
  const created = prepareCreate(kind, await body(), opts).obj;
  const approve = (o: KObject) => ((o.status as { conditions?: unknown[] }).conditions = [{ type: "Approved", status: "True", reason: "KubectlApprove" }]);
  // Approval only through /approval; conditions get their timestamps.
  assert.match(invalid(() => update(created, approve, "status")), /status\.conditions: Forbidden: updates may not add a condition of type "Approved"/);
  const approved = update(created, approve, "approval");
  assert.deepEqual((approved.status as { conditions: unknown[] }).conditions, [{ type: "Approved", status: "True", reason: "KubectlApprove", lastUpdateTime: ctx.nowRfc3339, lastTransitionTime: ctx.nowRfc3339 }]);
  // /approval changes conditions only; the main resource changes neither spec nor status.
  const sneaky = update(approved, (o) => Object.assign(o.status as object, { certificate: "x" }), "approval");
  assert.equal((sneaky.status as { certificate?: string }).certificate, undefined);
  const main = update(approved, (o) => Object.assign(o, { spec: { ...(o.spec as object), signerName: "other.com/x", username: "root" }, status: {} }));
  assert.deepEqual(main.spec, approved.spec);
  assert.deepEqual(main.status, approved.status);
  // Approved and Denied exclude each other; an approval cannot be taken back.
  assert.match(invalid(() => update(approved, (o) => (o.status as { conditions: unknown[] }).conditions.push({ type: "Denied", status: "True" }), "approval")), /Approved and Denied conditions are mutually exclusive/);
  assert.match(invalid(() => update(approved, (o) => ((o.status as { conditions: unknown[] }).conditions = []), "approval")), /updates may not remove a condition of type "Approved"/);
  // The signer sets the certificate through /status, once.
  const { cert } = await servingCert("CN=jane", ["jane.example"]);
  const issued = update(approved, (o) => Object.assign(o.status as object, { certificate: base64(cert) }), "status");
  assert.equal((issued.status as { certificate: string }).certificate, base64(cert));
  assert.match(invalid(() => update(issued, (o) => Object.assign(o.status as object, { certificate: base64(cert + cert) }), "status")), /status\.certificate: Forbidden: updates may not modify existing certificate content/);
  assert.match(invalid(() => update(approved, (o) => Object.assign(o.status as object, { certificate: base64("junk") }), "status")), /status\.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block/);
  // Failed may only be True, and other conditions are the signer's to set through /status.
  assert.match(invalid(() => update(approved, (o) => (o.status as { conditions: unknown[] }).conditions.push({ type: "Failed", status: "False" }), "status")), /status\.conditions\[1\]\.status: Unsupported value: "False": supported values: "True"/);
  const failed = update(approved, (o) => (o.status as { conditions: unknown[] }).conditions.push({ type: "Failed", status: "True", reason: "SignerValidationFailure" }), "status");
  assert.equal((failed.status as { conditions: unknown[] }).conditions.length, 2);
});
