/**
 * authorization.k8s.io/v1 reviews, answered by the same authorizer chain
 * that guards requests: SelfSubjectAccessReview (`kubectl auth can-i`),
 * SubjectAccessReview (the same for a named user and groups) and
 * SelfSubjectRulesReview (`kubectl auth can-i --list`).
 */
import type { Env } from "../env.js";
import type { KObject } from "../registry/types.js";
import type { RequestUser } from "../store/protocol.js";
import type { RequestInfo } from "../apiserver/request-info.js";
import { authorize } from "../apiserver/authz.js";
import { fieldErrors, invalidError } from "../apimachinery/status.js";
import { rulesOf } from "./worker.js";
import { nodeName } from "./node.js";
import type { PolicyRule } from "./rules.js";

type ResourceAttributes = { namespace?: string; verb?: string; group?: string; version?: string; resource?: string; subresource?: string; name?: string; fieldSelector?: { rawSelector?: string } };
type NonResourceAttributes = { path?: string; verb?: string };
type Spec = { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes; user?: string; groups?: string[]; uid?: string; namespace?: string };

function attributes(kind: string, spec: Spec): RequestInfo {
  const r = spec.resourceAttributes;
  const n = spec.nonResourceAttributes;
  if (!!r === !!n) {
    throw invalidError(kind, "authorization.k8s.io", "", [
      r ? fieldErrors.invalid("spec.resourceAttributes", r, "cannot be specified in combination with nonResourceAttributes") : fieldErrors.required("spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified"),
    ]);
  }
  if (n) return { isResourceRequest: false, verb: n.verb ?? "", path: n.path ?? "" };
  return {
    isResourceRequest: true,
    verb: r!.verb ?? "",
    group: r!.group ?? "",
    version: r!.version ?? "",
    namespace: r!.namespace ?? "",
    resource: r!.resource ?? "",
    name: r!.name ?? "",
    subresource: r!.subresource ?? "",
    allNamespaces: false,
    fieldSelector: r!.fieldSelector?.rawSelector,
  };
}

const resourceRule = (r: PolicyRule) => ({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources ?? [], ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) });

/** LocalSubjectAccessReview: about its own namespace only, and only resources (ValidateLocalSubjectAccessReview). */
function localReview(spec: Spec, namespace: string): void {
  const errs = [];
  if (spec.nonResourceAttributes) errs.push(fieldErrors.invalid("spec.nonResourceAttributes", spec.nonResourceAttributes, "disallowed on this kind of request"));
  if (spec.resourceAttributes) {
    spec.resourceAttributes.namespace ||= namespace;
    if (spec.resourceAttributes.namespace !== namespace) errs.push(fieldErrors.invalid("spec.resourceAttributes.namespace", spec.resourceAttributes.namespace, "must match metadata.namespace"));
  }
  if (errs.length) throw invalidError("LocalSubjectAccessReview", "authorization.k8s.io", "", errs);
}

/** Answer a review object; the response is the request with its status filled in. */
export async function review(kind: string, body: KObject, user: RequestUser, env: Env, namespace = ""): Promise<KObject> {
  const spec = (body.spec ?? {}) as Spec;
  if (kind === "LocalSubjectAccessReview") localReview(spec, namespace);
  const out: KObject = { kind, apiVersion: "authorization.k8s.io/v1", metadata: { ...body.metadata, ...(namespace ? { namespace } : {}), creationTimestamp: null as unknown as string }, spec };
  delete out.metadata.managedFields;
  if (kind === "SelfSubjectRulesReview") {
    const rules = await rulesOf(user, spec.namespace ?? "", env);
    out.status = {
      resourceRules: rules.filter((r) => !r.nonResourceURLs?.length).map(resourceRule),
      nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
      // A node's per-object grants (the node authorizer) are not rules.
      incomplete: !!nodeName(user),
    };
    return out;
  }
  const attrs = attributes(kind, spec);
  let subject = user;
  if (kind === "SubjectAccessReview" || kind === "LocalSubjectAccessReview") {
    if (!spec.user && !spec.groups?.length) throw invalidError(kind, "authorization.k8s.io", "", [fieldErrors.invalid("spec.user", spec.user ?? "", "at least one of user or group must be specified")]);
    subject = { username: spec.user ?? "", uid: spec.uid, groups: spec.groups ?? [] };
  }
  const d = await authorize(subject, attrs, env);
  out.status = { allowed: d.allowed, ...(d.reason ? { reason: d.reason } : {}) };
  return out;
}

/** Create handlers of the authorization review kinds, by registry key. */
export const authorizationReviews: Record<string, (env: Env, user: RequestUser, body: Record<string, unknown>, namespace: string) => Promise<KObject>> = Object.fromEntries(
  ["SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectRulesReview"].map((kind) => [
    `${kind.toLowerCase()}s.authorization.k8s.io`,
    (env: Env, user: RequestUser, body: Record<string, unknown>, namespace: string) => review(kind, body as KObject, user, env, namespace),
  ]),
);
