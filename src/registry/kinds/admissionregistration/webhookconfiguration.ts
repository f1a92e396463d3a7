/**
 * admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration and
 * MutatingWebhookConfiguration: stored, defaulted and validated as
 * kube-apiserver does, so the manifests and Helm charts that carry them
 * (ingress-nginx, cert-manager, operators) install; src/admission/webhooks/
 * calls the webhooks they name.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";

type Rule = { operations?: string[]; scope?: string };
type Webhook = {
  name?: string;
  clientConfig?: { url?: string; service?: { namespace?: string; name?: string; port?: number } };
  rules?: Rule[];
  failurePolicy?: string;
  matchPolicy?: string;
  namespaceSelector?: object;
  objectSelector?: object;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: string;
};
const webhooksOf = (o: KObject) => ((o as { webhooks?: Webhook[] }).webhooks ?? []) as Webhook[];

const FAILURE = ["Fail", "Ignore"];
const MATCH = ["Exact", "Equivalent"];
const SIDE_EFFECTS = ["None", "NoneOnDryRun"];
const OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const SCOPES = ["*", "Cluster", "Namespaced"];
const REINVOCATION = ["IfNeeded", "Never"];
const REVIEW_VERSIONS = ["v1", "v1beta1"];

function validateWebhooks(o: KObject, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  webhooksOf(o).forEach((w, i) => {
    const at = `webhooks[${i}]`;
    const name = w.name ?? "";
    if (!name) errs.push(fieldErrors.required(`${at}.name`));
    else if (name.split(".").length < 3) errs.push(fieldErrors.invalid(`${at}.name`, name, "should be a domain with at least three segments separated by dots"));
    if (name && seen.has(name)) errs.push(fieldErrors.duplicate(`${at}.name`, name));
    seen.add(name);
    const cc = w.clientConfig ?? {};
    if (!!cc.url === !!cc.service) errs.push(fieldErrors.required(`${at}.clientConfig`, "exactly one of url or service is required"));
    if (cc.url && !cc.url.startsWith("https://")) errs.push(fieldErrors.invalid(`${at}.clientConfig.url`, cc.url, "'https' is the only allowed URL scheme"));
    if (cc.service && (!cc.service.name || !cc.service.namespace)) errs.push(fieldErrors.required(`${at}.clientConfig.service`, "service namespace and name are required"));
    if (w.sideEffects === undefined) errs.push(fieldErrors.required(`${at}.sideEffects`, `must specify one of ${SIDE_EFFECTS.map((s) => `"${s}"`).join(", ")}`));
    else if (!SIDE_EFFECTS.includes(w.sideEffects)) errs.push(fieldErrors.notSupported(`${at}.sideEffects`, w.sideEffects, SIDE_EFFECTS));
    const versions = w.admissionReviewVersions ?? [];
    if (!versions.length) errs.push(fieldErrors.required(`${at}.admissionReviewVersions`, `must specify one of ${REVIEW_VERSIONS.join(", ")}`));
    else if (!versions.some((v) => REVIEW_VERSIONS.includes(v))) errs.push(fieldErrors.invalid(`${at}.admissionReviewVersions`, versions, `must include at least one of ${REVIEW_VERSIONS.join(", ")}`));
    if (w.failurePolicy && !FAILURE.includes(w.failurePolicy)) errs.push(fieldErrors.notSupported(`${at}.failurePolicy`, w.failurePolicy, FAILURE));
    if (w.matchPolicy && !MATCH.includes(w.matchPolicy)) errs.push(fieldErrors.notSupported(`${at}.matchPolicy`, w.matchPolicy, MATCH));
    if (w.timeoutSeconds !== undefined && (w.timeoutSeconds < 1 || w.timeoutSeconds > 30)) errs.push(fieldErrors.invalid(`${at}.timeoutSeconds`, w.timeoutSeconds, "the timeout value must be between 1 and 30 seconds"));
    if (mutating && w.reinvocationPolicy && !REINVOCATION.includes(w.reinvocationPolicy)) errs.push(fieldErrors.notSupported(`${at}.reinvocationPolicy`, w.reinvocationPolicy, REINVOCATION));
    (w.rules ?? []).forEach((r, j) => {
      for (const op of r.operations ?? []) if (!OPERATIONS.includes(op)) errs.push(fieldErrors.notSupported(`${at}.rules[${j}].operations`, op, OPERATIONS));
      if (r.scope && !SCOPES.includes(r.scope)) errs.push(fieldErrors.notSupported(`${at}.rules[${j}].scope`, r.scope, SCOPES));
    });
  });
  return errs;
}

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook (and their rules and service references). */
function defaultWebhooks(o: KObject, mutating: boolean): void {
  for (const w of webhooksOf(o)) {
    w.failurePolicy ??= "Fail";
    w.matchPolicy ??= "Equivalent";
    w.namespaceSelector ??= {};
    w.objectSelector ??= {};
    w.timeoutSeconds ??= 10;
    if (mutating) w.reinvocationPolicy ??= "Never";
    if (w.clientConfig?.service) w.clientConfig.service.port ??= 443;
    for (const r of w.rules ?? []) r.scope ??= "*";
  }
}

function webhookConfiguration(kind: "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration"): KindDef {
  const mutating = kind === "MutatingWebhookConfiguration";
  const plural = `${kind.toLowerCase()}s`;
  return {
    group: "admissionregistration.k8s.io",
    version: "v1",
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: false,
    categories: ["api-extensions"],
    schemaName: `io.k8s.api.admissionregistration.v1.${kind}`,
    schema: definitions[`io.k8s.api.admissionregistration.v1.${kind}`],
    columns: [nameColumn, { name: "Webhooks", type: "integer", description: "The number of webhooks in this configuration.", cell: (o) => webhooksOf(o).length }, ageColumn],
    strategy: {
      defaults: (o) => defaultWebhooks(o, mutating),
      validate: (o) => validateWebhooks(o, mutating),
    },
  };
}

export const validatingWebhookConfiguration = webhookConfiguration("ValidatingWebhookConfiguration");
export const mutatingWebhookConfiguration = webhookConfiguration("MutatingWebhookConfiguration");
