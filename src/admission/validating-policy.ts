/**
 * The ValidatingAdmissionPolicy admission plugin (admissionregistration.k8s.io/v1):
 * every ValidatingAdmissionPolicyBinding whose policy's matchConstraints and
 * whose own matchResources cover the request has the policy's CEL checked
 * against it, as kube-apiserver's policy dispatcher does: params (paramKind,
 * found by paramRef name or selector, parameterNotFoundAction), matchConditions
 * (all must hold, or the policy does not apply), variables (evaluated lazily),
 * then each validation with message, messageExpression and reason. A failed
 * validation is refused (Deny: the first one, with the code of its reason),
 * told to the client as a Warning (Warn), or noted on the request's audit
 * entry (Audit: the validation_failure annotation); auditAnnotations add
 * "<policy>/<key>" annotations. An expression that errors follows the
 * policy's failurePolicy. CEL sees
 * object, oldObject, request, params, namespaceObject, variables and
 * authorizer (checks answered by RBAC as the store sees it: the cluster's
 * bindings and this namespace's; see PolicyCache.authorize).
 */
import { ApiError, type StatusReason } from "../apimachinery/status.js";
import { compileCel, celErrorMessage, celJson, type CelProgram } from "../apimachinery/cel.js";
import type { KObject } from "../registry/types.js";
import { matchesResources, type MatchResources } from "./match.js";
import { admissionRequest, requestAuthorizer } from "./request.js";
import type { AdmissionContext, AdmissionPlugin, Attributes } from "./types.js";

export const POLICIES = "validatingadmissionpolicies.admissionregistration.k8s.io";
export const POLICY_BINDINGS = "validatingadmissionpolicybindings.admissionregistration.k8s.io";

interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}
interface NamedExpression {
  name: string;
  expression: string;
}
export interface PolicySpec {
  failurePolicy?: "Fail" | "Ignore";
  paramKind?: { apiVersion?: string; kind?: string };
  matchConstraints?: MatchResources;
  validations?: Validation[];
  matchConditions?: NamedExpression[];
  variables?: NamedExpression[];
  auditAnnotations?: { key: string; valueExpression: string }[];
}
export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: object;
  parameterNotFoundAction?: "Allow" | "Deny";
}
export interface BindingSpec {
  policyName?: string;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions?: ("Deny" | "Warn" | "Audit")[];
}

const specOf = <T>(o: KObject) => (o.spec ?? {}) as T;

// ---- compiling ----

interface Compiled {
  validations: { def: Validation; program?: CelProgram; message?: CelProgram; error?: string }[];
  matchConditions: { def: NamedExpression; program?: CelProgram; error?: string }[];
  variables: { def: NamedExpression; program?: CelProgram; error?: string }[];
  auditAnnotations: { def: { key: string; valueExpression: string }; program?: CelProgram; error?: string }[];
  /** Whether some expression reads `authorizer` (its checks are prepared only then). */
  authorizer: boolean;
}

function tryCompile(expression: string): { program?: CelProgram; error?: string } {
  try {
    return { program: compileCel(expression) };
  } catch (e) {
    return { error: `compilation error: ${(e as Error).message}` };
  }
}

const compiledCache = new Map<string, Compiled>();
/** A policy's expressions compiled, once per uid and resourceVersion. */
function compiled(policy: KObject): Compiled {
  const key = `${policy.metadata.uid}/${policy.metadata.resourceVersion}`;
  let c = compiledCache.get(key);
  if (!c) {
    const spec = specOf<PolicySpec>(policy);
    c = {
      validations: (spec.validations ?? []).map((def) => ({ def, ...tryCompile(def.expression), ...(def.messageExpression ? { message: tryCompile(def.messageExpression).program } : {}) })),
      matchConditions: (spec.matchConditions ?? []).map((def) => ({ def, ...tryCompile(def.expression) })),
      variables: (spec.variables ?? []).map((def) => ({ def, ...tryCompile(def.expression) })),
      auditAnnotations: (spec.auditAnnotations ?? []).map((def) => ({ def, ...tryCompile(def.valueExpression) })),
      authorizer: false,
    };
    c.authorizer = [...c.validations, ...c.matchConditions, ...c.variables, ...c.auditAnnotations].some((x) => x.program?.uses.has("authorizer"));
    if (compiledCache.size > 1000) compiledCache.clear();
    compiledCache.set(key, c);
  }
  return c;
}

/** Whether some expression of a policy reads `authorizer` (its store then keeps the cluster's RBAC at hand). */
export const policyReadsAuthorizer = (policy: KObject): boolean => compiled(policy).authorizer;

// ---- values ----

/** The AdmissionRequest CEL sees as `request`: every string present (empty ones too), so rules may compare them. */
function requestOf(a: Attributes): Record<string, unknown> {
  const r = admissionRequest(a, "");
  return celJson({ subResource: "", requestSubResource: "", name: "", namespace: "", ...r, userInfo: { uid: "", extra: {}, ...r.userInfo } }) as Record<string, unknown>;
}

// ---- deciding ----

type Action = "Deny" | "Warn" | "Audit";
interface Decision {
  message: string;
  reason: string;
  /** The failing validation's index (the audit annotation's expressionIndex). */
  index?: number;
}

const CODES: Record<string, number> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

/** `variables.<name>`: each evaluated once, on first use; an error is the reading expression's error. */
function lazyVariables(c: Compiled, base: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const v of c.variables) {
    let done = false;
    let value: unknown;
    Object.defineProperty(vars, v.def.name, {
      enumerable: true,
      get() {
        if (!done) {
          if (!v.program) throw new Error(v.error);
          value = v.program({ ...base, variables: vars });
          done = true;
        }
        return value;
      },
    });
  }
  return vars;
}

/**
 * The decisions of one policy with one binding and one params object (none:
 * admitted); its auditAnnotations go to note as "<policy>/<key>" (a null value adds none).
 */
function evaluate(policy: KObject, c: Compiled, base: Record<string, unknown>, note: (key: string, value: string) => void): Decision[] {
  const fail = specOf<PolicySpec>(policy).failurePolicy !== "Ignore";
  const vars = { ...base, variables: lazyVariables(c, base) };
  for (const m of c.matchConditions) {
    try {
      if (!m.program) throw new Error(m.error);
      if (m.program(vars) !== true) return [];
    } catch (e) {
      return fail ? [{ message: `failed to evaluate matchCondition '${m.def.name}': ${celErrorMessage(e)}`, reason: "Invalid" }] : [];
    }
  }
  const out: Decision[] = [];
  for (const [index, v] of c.validations.entries()) {
    let ok: unknown;
    try {
      if (!v.program) throw new Error(v.error);
      ok = v.program(vars);
    } catch (e) {
      if (fail) out.push({ message: `expression '${v.def.expression}' resulted in error: ${celErrorMessage(e)}`, reason: "Invalid", index });
      continue;
    }
    if (ok === true) continue;
    let message = "";
    if (v.message) {
      try {
        const m = v.message(vars);
        if (typeof m === "string" && !m.includes("\n")) message = m.trim();
      } catch {
        // falls back to message, as kube-apiserver does (it logs the failure)
      }
    }
    message ||= v.def.message?.trim() || `failed expression: ${v.def.expression.trim()}`;
    out.push({ message, reason: v.def.reason || "Invalid", index });
  }
  for (const a of c.auditAnnotations) {
    try {
      if (!a.program) throw new Error(a.error);
      const value = a.program(vars);
      if (typeof value === "string") note(`${policy.metadata.name}/${a.def.key}`, value);
      else if (value !== null) throw new Error(`valueExpression must evaluate to a string or null, got ${typeof value}`);
    } catch (e) {
      if (fail) out.push({ message: `valueExpression '${a.def.valueExpression}' resulted in error: ${celErrorMessage(e)}`, reason: "Invalid" });
    }
  }
  return out;
}

/** The objects a binding's paramRef selects, read where they live; undefined when the policy takes no params. */
function paramsFor(binding: KObject, policy: KObject, a: Attributes, ctx: AdmissionContext): KObject[] | undefined {
  const kind = specOf<PolicySpec>(policy).paramKind;
  const ref = specOf<BindingSpec>(binding).paramRef;
  if (!kind || !ref) return undefined;
  return ctx.policyParams(binding, policy, a.kind.namespaced ? a.namespace : "");
}

export const validatingAdmissionPolicy: AdmissionPlugin = {
  name: "ValidatingAdmissionPolicy",
  validate(a, ctx) {
    const { policies, bindings } = ctx.admissionPolicies();
    if (!bindings.length) return;
    const byName = new Map(policies.map((p) => [p.metadata.name ?? "", p]));
    const nsLabels = ctx.namespaceLabels();
    let denied: { policy: string; binding: string; decision: Decision } | undefined;
    // Failures of bindings with the Audit action, for the audit log (kube-apiserver's validation_failure annotation).
    const audited: { message: string; policy: string; binding: string; expressionIndex?: number; validationActions: Action[] }[] = [];
    const note = (k: string, v: string) => ctx.annotate(k, v);
    for (const binding of bindings) {
      const bspec = specOf<BindingSpec>(binding);
      const policy = byName.get(bspec.policyName ?? "");
      if (!policy) continue;
      const pspec = specOf<PolicySpec>(policy);
      if (!matchesResources(pspec.matchConstraints, a, nsLabels)) continue;
      if (bspec.matchResources && !matchesResources(bspec.matchResources, a, nsLabels)) continue;
      const c = compiled(policy);
      const base: Record<string, unknown> = {
        object: a.operation === "DELETE" ? null : celJson(a.object),
        oldObject: a.oldObject ? celJson(a.oldObject) : null,
        request: requestOf(a),
        namespaceObject: a.kind.namespaced ? celJson({ apiVersion: "v1", kind: "Namespace", metadata: { name: a.namespace, labels: nsLabels } }) : null,
        params: null,
        ...(c.authorizer ? { authorizer: requestAuthorizer(a, (user, q) => ctx.authorize(user, q)) } : {}),
      };
      const params = paramsFor(binding, policy, a, ctx);
      const decisions: Decision[] = [];
      if (params === undefined) decisions.push(...evaluate(policy, c, base, note));
      else if (params.length === 0) {
        if ((bspec.paramRef?.parameterNotFoundAction ?? "Deny") === "Deny") {
          decisions.push({ message: "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction", reason: "Invalid" });
        }
      } else for (const p of params) decisions.push(...evaluate(policy, c, { ...base, params: celJson(p) }, note));
      const actions = new Set<Action>(bspec.validationActions ?? []);
      for (const decision of decisions) {
        const names = { policy: policy.metadata.name ?? "", binding: binding.metadata.name ?? "" };
        if (actions.has("Warn")) ctx.warn(`Validation failed for ValidatingAdmissionPolicy '${names.policy}' with binding '${names.binding}': ${decision.message}`);
        if (actions.has("Deny")) denied ??= { ...names, decision };
        if (actions.has("Audit")) audited.push({ message: decision.message, ...names, ...(decision.index !== undefined ? { expressionIndex: decision.index } : {}), validationActions: [...actions] });
      }
    }
    if (audited.length) ctx.annotate("validation.policy.admission.k8s.io/validation_failure", JSON.stringify(audited));
    if (denied) {
      const message = `ValidatingAdmissionPolicy '${denied.policy}' with binding '${denied.binding}' denied request: ${denied.decision.message}`;
      const { group, plural } = a.kind;
      const reason = denied.decision.reason as StatusReason;
      throw new ApiError(CODES[reason] ?? 422, reason, `${group ? `${plural}.${group}` : plural} "${a.name}" is forbidden: ${message}`, { name: a.name, group, kind: plural, causes: [{ message }] });
    }
  },
};
