/**
 * certificates.k8s.io/v1 CertificateSigningRequest, with kube-apiserver's
 * three strategies: the main resource (the requester's identity is stamped
 * on create, spec is immutable), /approval (only the Approved and Denied
 * conditions change: `kubectl certificate approve|deny`) and /status (the
 * signer's certificate and other conditions; approval cannot be faked
 * there). The request must be a PEM "CERTIFICATE REQUEST" block.
 *
 * Signing is the signer's job: kube-controller-manager signs the
 * kubernetes.io/* signers with the cluster CA. Edgeplane authenticates by
 * bearer token only, so no built-in signer issues certificates here; an
 * external signer (cert-manager's CSR support, a kubelet-serving approver)
 * works through /status as it would on any cluster.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { clone, deepEqual } from "../../../apimachinery/objects.js";
import { DNS1123SubdomainMaxLength, isDNS1123Label, isDNS1123Subdomain, tooLong } from "../../../apimachinery/validation.js";
import { humanDuration } from "../../../apimachinery/age.js";
import { isSignedEnvelope, pemBlocksOfBase64 } from "../../../apimachinery/pem.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject, StrategyContext } from "../../types.js";

type Condition = { type?: string; status?: string; reason?: string; message?: string; lastUpdateTime?: string; lastTransitionTime?: string };
type Spec = { request?: string; signerName?: string; expirationSeconds?: number; usages?: string[]; username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
type Status = { conditions?: Condition[]; certificate?: string };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;
const status = (o: KObject) => (o.status ?? {}) as Status;
const conditions = (o: KObject) => status(o).conditions ?? [];

const LEGACY_SIGNER = "kubernetes.io/legacy-unknown";
const APPROVAL = ["Approved", "Denied"];
/** Condition types whose status may only be True. */
const TRUE_ONLY = ["Approved", "Denied", "Failed"];
const STATUSES = ["False", "True", "Unknown"];
/** allValidUsages, sorted as Kubernetes lists them. */
const USAGES = [
  "any", "cert sign", "client auth", "code signing", "content commitment", "crl sign", "data encipherment", "decipher only", "digital signature",
  "email protection", "encipher only", "ipsec end system", "ipsec tunnel", "ipsec user", "key agreement", "key encipherment", "microsoft sgc",
  "netscape sgc", "ocsp signing", "s/mime", "server auth", "signing", "timestamping",
];

/** ParseCSR's checks: the DER of spec.request's one PEM CERTIFICATE REQUEST block, or why it is not one. */
export function parseRequest(request: string | undefined): { der: Uint8Array } | { error: string } {
  const blocks = pemBlocksOfBase64(request ?? "");
  if (!blocks) return { error: "illegal base64 data" };
  const block = blocks[0];
  if (!block || block.type !== "CERTIFICATE REQUEST") return { error: "PEM block type must be CERTIFICATE REQUEST" };
  if (!isSignedEnvelope(block.der)) return { error: "x509: malformed certificate request" };
  return { der: block.der };
}

/** validateCertificate: status.certificate holds CERTIFICATE PEM blocks only, at least one. */
function certificateError(certificate: string | undefined): string | undefined {
  if (!certificate) return undefined;
  const blocks = pemBlocksOfBase64(certificate);
  if (!blocks) return "illegal base64 data";
  if (!blocks.length) return "must contain at least one CERTIFICATE PEM block";
  for (const b of blocks) {
    if (b.type !== "CERTIFICATE") return `only CERTIFICATE PEM blocks are allowed, found "${b.type}"`;
    if (b.headers) return "no PEM block headers are permitted";
    if (!isSignedEnvelope(b.der)) return "x509: malformed certificate";
  }
  return undefined;
}

/** ValidateSignerName: a domain of at least two labels, a slash, and a DNS subdomain path. */
export function signerNameErrors(name: string | undefined, field: string): FieldError[] {
  if (!name) return [fieldErrors.required(field)];
  const parts = name.split("/");
  if (parts.length !== 2) return [fieldErrors.invalid(field, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, path] = parts;
  const errs: FieldError[] = [];
  if (domain.length > DNS1123SubdomainMaxLength) errs.push(tooLong(field, DNS1123SubdomainMaxLength));
  const labels = domain.split(".");
  for (const l of labels) {
    const bad = isDNS1123Label(l);
    if (bad.length) {
      errs.push(...bad.map((m) => fieldErrors.invalid(field, domain, `validating label "${l}": ${m}`)));
      break;
    }
  }
  if (labels.length < 2) errs.push(fieldErrors.invalid(field, domain, "should be a domain with at least two segments separated by dots"));
  if (path.length > DNS1123SubdomainMaxLength) errs.push(tooLong(field, DNS1123SubdomainMaxLength));
  for (const m of isDNS1123Subdomain(path)) errs.push(fieldErrors.invalid(field, path, m));
  return errs;
}

function conditionErrors(o: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions(o).forEach((c, i) => {
    const at = `status.conditions[${i}]`;
    if (!c.type) errs.push(fieldErrors.required(`${at}.type`));
    const allowed = TRUE_ONLY.includes(c.type ?? "") ? ["True"] : STATUSES;
    if (!c.status) errs.push(fieldErrors.required(`${at}.status`));
    else if (!allowed.includes(c.status)) errs.push(fieldErrors.notSupported(`${at}.status`, c.status, allowed));
    if ((c.type === "Approved" && denied) || (c.type === "Denied" && approved)) errs.push(fieldErrors.invalid("status.conditions", c.type, "Approved and Denied conditions are mutually exclusive"));
    if (c.type === "Approved") approved = true;
    if (c.type === "Denied") denied = true;
    if (seen.has(c.type ?? "")) errs.push(fieldErrors.duplicate(`${at}.type`, c.type));
    seen.add(c.type ?? "");
  });
  return errs;
}

/** populateConditionTimestamps: lastUpdateTime now, lastTransitionTime kept while the status stays. */
function stampConditions(o: KObject, old: KObject | undefined, ctx: StrategyContext): void {
  for (const c of conditions(o)) {
    c.lastUpdateTime ??= ctx.nowRfc3339;
    if (c.lastTransitionTime) continue;
    const before = old && conditions(old).find((x) => x.type === c.type);
    c.lastTransitionTime = before && before.status === c.status && before.lastTransitionTime ? before.lastTransitionTime : ctx.nowRfc3339;
  }
}

/** The CONDITION column: Approved / Denied / Pending, then Failed and Issued. */
function conditionCell(o: KObject): string {
  const types = new Set(conditions(o).map((c) => c.type));
  let s = types.has("Denied") ? "Denied" : types.has("Approved") ? "Approved" : "Pending";
  if (types.has("Failed")) s += ",Failed";
  if (status(o).certificate) s += ",Issued";
  return s;
}

export const certificateSigningRequest: KindDef = {
  group: "certificates.k8s.io",
  version: "v1",
  kind: "CertificateSigningRequest",
  plural: "certificatesigningrequests",
  singular: "certificatesigningrequest",
  shortNames: ["csr"],
  namespaced: false,
  schemaName: "io.k8s.api.certificates.v1.CertificateSigningRequest",
  schema: definitions["io.k8s.api.certificates.v1.CertificateSigningRequest"],
  // Any name will do (ValidateCertificateRequestName).
  nameFormat: "path-segment",
  fieldSelectors: { "spec.signerName": (o) => spec(o).signerName },
  columns: [
    nameColumn,
    ageColumn,
    { name: "SignerName", type: "string", description: "Name of the signer", cell: (o) => spec(o).signerName ?? "" },
    { name: "Requestor", type: "string", description: "Name of the requestor", cell: (o) => spec(o).username ?? "" },
    { name: "RequestedDuration", type: "string", description: "Requested duration of the issued certificate", cell: (o) => (spec(o).expirationSeconds === undefined ? "<none>" : humanDuration(spec(o).expirationSeconds! * 1000)) },
    { name: "Condition", type: "string", description: "Condition of the CSR", cell: conditionCell },
  ],
  subresources: { status: true, fields: { approval: "status.conditions" } },
  strategy: {
    prepareForCreate(o, ctx) {
      // The requester is who made the request, whatever the body says; nothing is pre-approved.
      const s = (o.spec ??= {}) as Spec;
      delete s.uid;
      delete s.extra;
      s.username = ctx.user.username;
      s.groups = [...ctx.user.groups];
      o.status = {};
    },
    prepareForUpdate(o, old) {
      o.spec = clone(old.spec);
    },
    prepareForSubresourceUpdate(o, old, _subresource, ctx) {
      o.spec = clone(old.spec);
      stampConditions(o, old, ctx);
    },
    validate(o, old) {
      const s = spec(o);
      const errs: FieldError[] = [];
      const parsed = parseRequest(s.request);
      if ("error" in parsed) errs.push(fieldErrors.invalid("spec.request", s.request ?? "", parsed.error));
      if (!s.usages?.length) errs.push(fieldErrors.required("spec.usages"));
      const previous = new Set(old ? spec(old).usages : []);
      const seen = new Set<string>();
      (s.usages ?? []).forEach((u, i) => {
        if (!USAGES.includes(u) && !previous.has(u)) errs.push(fieldErrors.notSupported(`spec.usages[${i}]`, u, USAGES));
        if (seen.has(u)) errs.push(fieldErrors.duplicate(`spec.usages[${i}]`, u));
        seen.add(u);
      });
      // The legacy signer only on requests stored before (v1beta1's), as Kubernetes tolerates existing data.
      if (s.signerName !== LEGACY_SIGNER) errs.push(...signerNameErrors(s.signerName, "spec.signerName"));
      else if (!old || spec(old).signerName !== LEGACY_SIGNER) errs.push(fieldErrors.invalid("spec.signerName", s.signerName, "the legacy signerName is not allowed via this API version"));
      if (s.expirationSeconds !== undefined && s.expirationSeconds < 600) errs.push(fieldErrors.invalid("spec.expirationSeconds", s.expirationSeconds, "may not specify a duration less than 600 seconds (10 minutes)"));
      errs.push(...conditionErrors(o));
      // Certificates already stored are not judged again.
      const certificate = status(o).certificate;
      const certBad = old && certificate === status(old).certificate ? undefined : certificateError(certificate);
      if (certBad) errs.push(fieldErrors.invalid("status.certificate", "<certificate data>", certBad));
      return errs;
    },
    validateUpdate(o, old, subresource) {
      const errs: FieldError[] = [];
      const ofType = (x: KObject, t: string) => conditions(x).filter((c) => c.type === t);
      for (const t of [...APPROVAL, "Failed"]) {
        if (ofType(o, t).length < ofType(old, t).length) errs.push(fieldErrors.forbidden("status.conditions", `updates may not remove a condition of type "${t}"`));
      }
      if (subresource !== "approval") {
        for (const t of APPROVAL) {
          const [now, before] = [ofType(o, t), ofType(old, t)];
          if (now.length > before.length) errs.push(fieldErrors.forbidden("status.conditions", `updates may not add a condition of type "${t}"`));
          else if (now.length === before.length && !deepEqual(now, before)) errs.push(fieldErrors.forbidden("status.conditions", `updates may not modify a condition of type "${t}"`));
        }
      }
      if ((status(o).certificate ?? "") !== (status(old).certificate ?? "")) {
        if (subresource !== "status") errs.push(fieldErrors.forbidden("status.certificate", "updates may not set certificate content"));
        else if (status(old).certificate) errs.push(fieldErrors.forbidden("status.certificate", "updates may not modify existing certificate content"));
      }
      return errs;
    },
  },
};
