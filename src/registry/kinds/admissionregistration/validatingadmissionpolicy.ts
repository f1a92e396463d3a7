/**
 * admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy and
 * ValidatingAdmissionPolicyBinding, defaulted and validated as
 * kube-apiserver does (every CEL expression must compile); the
 * ValidatingAdmissionPolicy admission plugin (src/admission/validating-policy.ts)
 * enforces them in every store.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { compileCel } from "../../../apimachinery/cel.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";
import type { BindingSpec, PolicySpec } from "../../../admission/validating-policy.js";
import type { MatchResources } from "../../../admission/match.js";

const FAILURE = ["Fail", "Ignore"];
const MATCH = ["Exact", "Equivalent"];
const REASONS = ["Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"];
const ACTIONS = ["Deny", "Warn", "Audit"];
const NOT_FOUND_ACTIONS = ["Allow", "Deny"];
const OPERATIONS = ["*", "CONNECT", "CREATE", "DELETE", "UPDATE"];
const SCOPES = ["*", "Cluster", "Namespaced"];
const CEL_NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

type Spec = PolicySpec & { validations?: { expression?: string; message?: string; messageExpression?: string; reason?: string }[]; auditAnnotations?: { key?: string; valueExpression?: string }[] };

function compiles(expression: string | undefined, field: string, errs: FieldError[], what = "compilation failed"): void {
  if (!expression?.trim()) return void errs.push(fieldErrors.required(field));
  try {
    compileCel(expression);
  } catch (e) {
    errs.push(fieldErrors.invalid(field, expression, `${what}: ${(e as Error).message}`));
  }
}

/** SetDefaults_MatchResources: Equivalent matching, empty selectors, rules of every scope. */
function defaultMatch(m: MatchResources & { matchPolicy?: string } | undefined): void {
  if (!m) return;
  m.matchPolicy ??= "Equivalent";
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) r.scope ??= "*";
}

function validateMatch(m: (MatchResources & { matchPolicy?: string }) | undefined, path: string, required: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!m) return required ? [fieldErrors.required(path)] : errs;
  if (required && !m.resourceRules?.length) errs.push(fieldErrors.required(`${path}.resourceRules`));
  if (m.matchPolicy && !MATCH.includes(m.matchPolicy)) errs.push(fieldErrors.notSupported(`${path}.matchPolicy`, m.matchPolicy, MATCH));
  for (const [list, rules] of [["resourceRules", m.resourceRules], ["excludeResourceRules", m.excludeResourceRules]] as const) {
    (rules ?? []).forEach((r, i) => {
      const at = `${path}.${list}[${i}]`;
      if (!r.apiGroups?.length) errs.push(fieldErrors.required(`${at}.apiGroups`));
      if (!r.apiVersions?.length) errs.push(fieldErrors.required(`${at}.apiVersions`));
      if (!r.operations?.length) errs.push(fieldErrors.required(`${at}.operations`));
      if (!r.resources?.length) errs.push(fieldErrors.required(`${at}.resources`));
      for (const op of r.operations ?? []) if (!OPERATIONS.includes(op)) errs.push(fieldErrors.notSupported(`${at}.operations`, op, OPERATIONS));
      if (r.scope && !SCOPES.includes(r.scope)) errs.push(fieldErrors.notSupported(`${at}.scope`, r.scope, SCOPES));
    });
  }
  return errs;
}

function validatePolicy(o: KObject): FieldError[] {
  const spec = (o.spec ?? {}) as Spec;
  const errs: FieldError[] = [];
  if (spec.failurePolicy && !FAILURE.includes(spec.failurePolicy)) errs.push(fieldErrors.notSupported("spec.failurePolicy", spec.failurePolicy, FAILURE));
  if (spec.paramKind && (!spec.paramKind.apiVersion || !spec.paramKind.kind)) errs.push(fieldErrors.required("spec.paramKind", "apiVersion and kind are required"));
  errs.push(...validateMatch(spec.matchConstraints, "spec.matchConstraints", true));
  if (!spec.validations?.length && !spec.auditAnnotations?.length) errs.push(fieldErrors.required("spec.validations", "validations or auditAnnotations must contain at least one item"));
  (spec.validations ?? []).forEach((v, i) => {
    const at = `spec.validations[${i}]`;
    compiles(v.expression, `${at}.expression`, errs);
    if (v.messageExpression !== undefined) compiles(v.messageExpression, `${at}.messageExpression`, errs, "compilation failed");
    if (v.message && /[\n\r]/.test(v.message)) errs.push(fieldErrors.invalid(`${at}.message`, v.message, "message must not contain line breaks"));
    if (v.reason && !REASONS.includes(v.reason)) errs.push(fieldErrors.notSupported(`${at}.reason`, v.reason, REASONS));
  });
  const names = new Set<string>();
  for (const [list, items] of [["matchConditions", spec.matchConditions], ["variables", spec.variables]] as const) {
    (items ?? []).forEach((c, i) => {
      const at = `spec.${list}[${i}]`;
      if (!c.name) errs.push(fieldErrors.required(`${at}.name`));
      else if (list === "variables" && !CEL_NAME.test(c.name)) errs.push(fieldErrors.invalid(`${at}.name`, c.name, "name is not a valid CEL identifier"));
      else if (names.has(`${list}/${c.name}`)) errs.push(fieldErrors.duplicate(`${at}.name`, c.name));
      names.add(`${list}/${c.name}`);
      compiles(c.expression, `${at}.expression`, errs);
    });
  }
  (spec.auditAnnotations ?? []).forEach((a, i) => compiles(a.valueExpression, `spec.auditAnnotations[${i}].valueExpression`, errs));
  return errs;
}

function validateBinding(o: KObject): FieldError[] {
  const spec = (o.spec ?? {}) as BindingSpec;
  const errs: FieldError[] = [];
  if (!spec.policyName) errs.push(fieldErrors.required("spec.policyName"));
  const actions = spec.validationActions ?? [];
  if (!actions.length) errs.push(fieldErrors.required("spec.validationActions"));
  actions.forEach((a, i) => {
    if (!ACTIONS.includes(a)) errs.push(fieldErrors.notSupported(`spec.validationActions[${i}]`, a, ACTIONS));
    else if (actions.indexOf(a) !== i) errs.push(fieldErrors.duplicate(`spec.validationActions[${i}]`, a));
  });
  if (actions.includes("Deny") && actions.includes("Warn")) errs.push(fieldErrors.invalid("spec.validationActions", actions, "must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)"));
  const ref = spec.paramRef;
  if (ref) {
    if (!!ref.name === !!ref.selector) errs.push(fieldErrors.forbidden("spec.paramRef", "one of name or selector must be set"));
    if (ref.parameterNotFoundAction && !NOT_FOUND_ACTIONS.includes(ref.parameterNotFoundAction)) errs.push(fieldErrors.notSupported("spec.paramRef.parameterNotFoundAction", ref.parameterNotFoundAction, NOT_FOUND_ACTIONS));
  }
  errs.push(...validateMatch(spec.matchResources, "spec.matchResources", false));
  return errs;
}

const group = "admissionregistration.k8s.io";
const cell = (o: KObject) => (o.spec ?? {}) as Spec & BindingSpec;

export const validatingAdmissionPolicy: KindDef = {
  group,
  version: "v1",
  kind: "ValidatingAdmissionPolicy",
  plural: "validatingadmissionpolicies",
  singular: "validatingadmissionpolicy",
  namespaced: false,
  categories: ["api-extensions"],
  schemaName: "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy",
  schema: definitions["io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy"],
  tracksGeneration: true,
  columns: [
    nameColumn,
    { name: "Validations", type: "integer", description: "Validations indicates the number of validation rules defined in this configuration", cell: (o) => cell(o).validations?.length ?? 0 },
    { name: "ParamKind", type: "string", description: "ParamKind specifies the kind of resources used to parameterize this policy", cell: (o) => (cell(o).paramKind ? `${cell(o).paramKind?.apiVersion}/${cell(o).paramKind?.kind}` : "<unset>") },
    ageColumn,
  ],
  subresources: { status: true },
  strategy: {
    defaults: (o) => {
      const spec = (o.spec ??= {}) as Spec;
      spec.failurePolicy ??= "Fail";
      defaultMatch(spec.matchConstraints);
    },
    validate: validatePolicy,
  },
};

export const validatingAdmissionPolicyBinding: KindDef = {
  group,
  version: "v1",
  kind: "ValidatingAdmissionPolicyBinding",
  plural: "validatingadmissionpolicybindings",
  singular: "validatingadmissionpolicybinding",
  namespaced: false,
  categories: ["api-extensions"],
  schemaName: "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding",
  schema: definitions["io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding"],
  columns: [
    nameColumn,
    { name: "PolicyName", type: "string", description: "PolicyName indicates the policy definition which the policy binding binded to", cell: (o) => cell(o).policyName ?? "" },
    {
      name: "ParamRef",
      type: "string",
      description: "ParamRef indicates the param resource which sets the configration param",
      cell: (o) => {
        const ref = cell(o).paramRef;
        if (!ref) return "<unset>";
        return ref.name ? `${ref.namespace || "*"}/${ref.name}` : `${ref.namespace || "*"}/*`;
      },
    },
    ageColumn,
  ],
  strategy: {
    defaults: (o) => {
      const spec = (o.spec ??= {}) as BindingSpec;
      if (spec.paramRef) spec.paramRef.parameterNotFoundAction ??= "Deny";
      defaultMatch(spec.matchResources);
    },
    validate: validateBinding,
  },
};
