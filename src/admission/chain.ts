/**
 * The admission chain in Kubernetes' default order: every mutating plugin
 * (admit) first, on the defaulted object before the kind's validation, then
 * every validating one (validate) on the object as it will be stored. Field
 * validation (unknown/duplicate fields) is not here: it belongs to decoding
 * (src/registry/validate.ts), as in the apiserver, and has run already.
 */
import type { AdmissionContext, AdmissionPlugin, Attributes } from "./types.js";
import { namespaceLifecycle } from "./namespace-lifecycle.js";
import { serviceAccount } from "./serviceaccount.js";
import { limitRanger } from "./limitranger.js";
import { podSecurity } from "./podsecurity.js";
import { resourceQuota } from "./resourcequota.js";
import { priority } from "./priority.js";
import { runtimeClass } from "./runtimeclass.js";
import { validatingAdmissionPolicy } from "./validating-policy.js";

/** As kube-apiserver orders its plugins; ResourceQuota last, since it charges usage. */
export const plugins: AdmissionPlugin[] = [namespaceLifecycle, serviceAccount, limitRanger, priority, runtimeClass, podSecurity, validatingAdmissionPolicy, resourceQuota];

/** The plugins that see DELETE requests (object absent, oldObject the live one). */
export const deletePlugins: AdmissionPlugin[] = [validatingAdmissionPolicy];

export function mutate(a: Attributes, ctx: AdmissionContext, chain: AdmissionPlugin[] = plugins): void {
  for (const p of chain) p.admit?.(a, ctx);
}

/** Throws the first refusal. */
export function validate(a: Attributes, ctx: AdmissionContext, chain: AdmissionPlugin[] = plugins): void {
  for (const p of chain) p.validate?.(a, ctx);
}
