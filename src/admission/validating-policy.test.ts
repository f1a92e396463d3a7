import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError } from "../apimachinery/status.js";
import type { KObject } from "../registry/types.js";
import { validatingAdmissionPolicy as plugin } from "./validating-policy.js";
import { attrs, FakeNamespace } from "./testing.js";

const deployments = { apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"] };
const policy = (name: string, spec: Record<string, unknown>): KObject => ({ metadata: { name, uid: `${name}-uid`, resourceVersion: JSON.stringify(spec).length.toString() }, spec: { failurePolicy: "Fail", matchConstraints: { resourceRules: [deployments] }, ...spec } });
const binding = (name: string, policyName: string, spec: Record<string, unknown> = {}): KObject => ({ metadata: { name }, spec: { policyName, validationActions: ["Deny"], ...spec } });
const deploy = (name: string, replicas: number, labels: Record<string, string> = {}): KObject => ({ metadata: { name, namespace: "team", labels }, spec: { replicas } });

const refusal = (ns: FakeNamespace, obj: KObject, op: "CREATE" | "UPDATE" | "DELETE" = "CREATE", old?: KObject) => {
  try {
    plugin.validate!(attrs("deployments.apps", obj, op, old ? { oldObject: old } : {}), ns);
    return undefined;
  } catch (e) {
    assert.ok(e instanceof ApiError);
    return e;
  }
};

test("a failed validation denies with Kubernetes' message, code and cause", () => {
  const ns = new FakeNamespace();
  ns.policies = [policy("max-replicas", { validations: [{ expression: "object.spec.replicas <= 5" }] })];
  ns.bindings = [binding("max-replicas-binding", "max-replicas")];
  assert.equal(refusal(ns, deploy("ok", 5)), undefined);
  const e = refusal(ns, deploy("big", 6))!;
  assert.equal(e.code, 422);
  assert.equal(e.reason, "Invalid");
  assert.equal(e.message, `deployments.apps "big" is forbidden: ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5`);
  assert.deepEqual(e.details?.causes, [{ message: "ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= 5" }]);
});

test("reason, message and messageExpression; variables are evaluated lazily", () => {
  const ns = new FakeNamespace();
  ns.policies = [
    policy("p", {
      variables: [{ name: "limit", expression: "3" }, { name: "broken", expression: "object.nope" }],
      validations: [{ expression: "object.spec.replicas <= variables.limit", reason: "Forbidden", messageExpression: "'replicas ' + string(object.spec.replicas) + ' over ' + string(variables.limit)" }],
    }),
  ];
  ns.bindings = [binding("b", "p")];
  const e = refusal(ns, deploy("x", 4))!;
  assert.equal(e.code, 403);
  assert.match(e.message, /denied request: replicas 4 over 3$/);
});

test("what a policy applies to: rules, namespace and object selectors, excluded rules, the binding's matchResources", () => {
  const ns = new FakeNamespace({ env: "prod" });
  const deny = { validations: [{ expression: "false", message: "no" }] };
  ns.policies = [policy("p", { ...deny, matchConstraints: { resourceRules: [deployments], namespaceSelector: { matchLabels: { env: "prod" } }, objectSelector: { matchExpressions: [{ key: "exempt", operator: "DoesNotExist" }] } } })];
  ns.bindings = [binding("b", "p")];
  assert.ok(refusal(ns, deploy("x", 1)));
  assert.equal(refusal(ns, deploy("x", 1, { exempt: "yes" })), undefined, "objectSelector");
  assert.equal(refusal(new FakeNamespace({ env: "dev" }), deploy("x", 1)), undefined);
  assert.equal(refusal(ns, deploy("x", 1), "DELETE"), undefined, "operation not in the rules");
  ns.bindings = [binding("b", "p", { matchResources: { objectSelector: { matchLabels: { team: "a" } } } })];
  assert.equal(refusal(ns, deploy("x", 1)), undefined, "the binding narrows it");
  assert.ok(refusal(ns, deploy("x", 1, { team: "a" })));
  ns.policies = [policy("p", { ...deny, matchConstraints: { resourceRules: [deployments], excludeResourceRules: [{ ...deployments, resourceNames: ["special"] }] } })];
  ns.bindings = [binding("b", "p")];
  assert.equal(refusal(ns, deploy("special", 1)), undefined);
  assert.equal(refusal(ns, deploy("other", 1))?.code, 422);
  ns.policies = [policy("p", { ...deny, matchConstraints: { resourceRules: [{ ...deployments, resources: ["deployments/status"] }] } })];
  assert.equal(refusal(ns, deploy("x", 1)), undefined, "a subresource rule does not match the main resource");
});

test("Warn tells the client; Audit notes the failure for the audit log, neither warning nor denying", () => {
  const ns = new FakeNamespace();
  ns.policies = [policy("p", { validations: [{ expression: "true" }, { expression: "object.spec.replicas < 3", message: "keep it small" }] })];
  ns.bindings = [binding("warn", "p", { validationActions: ["Warn"] }), binding("audit", "p", { validationActions: ["Audit"] })];
  assert.equal(refusal(ns, deploy("x", 4)), undefined);
  assert.deepEqual(ns.warnings, ["Validation failed for ValidatingAdmissionPolicy 'p' with binding 'warn': keep it small"]);
  assert.deepEqual(JSON.parse(ns.annotations["validation.policy.admission.k8s.io/validation_failure"]), [{ message: "keep it small", policy: "p", binding: "audit", expressionIndex: 1, validationActions: ["Audit"] }]);
  const quiet = new FakeNamespace();
  quiet.policies = ns.policies;
  quiet.bindings = ns.bindings;
  assert.equal(refusal(quiet, deploy("y", 1)), undefined);
  assert.deepEqual(quiet.annotations, {}, "nothing failed, nothing noted");
});

test("auditAnnotations: '<policy>/<key>' with the expression's string, none for null; an error follows failurePolicy", () => {
  const ns = new FakeNamespace();
  ns.policies = [policy("sizes", { auditAnnotations: [{ key: "replicas", valueExpression: "string(object.spec.replicas)" }, { key: "big", valueExpression: "object.spec.replicas > 3 ? 'yes' : 'no'" }, { key: "never", valueExpression: "null" }] })];
  ns.bindings = [binding("sizes-binding", "sizes")];
  assert.equal(refusal(ns, deploy("x", 2)), undefined);
  assert.deepEqual(ns.annotations, { "sizes/replicas": "2", "sizes/big": "no" });
  refusal(ns, deploy("x", 7));
  assert.deepEqual(ns.annotations, { "sizes/replicas": "7", "sizes/big": "yes" });
  const broken = new FakeNamespace();
  broken.policies = [policy("broken", { auditAnnotations: [{ key: "k", valueExpression: "object.spec.nope" }] })];
  broken.bindings = [binding("broken-binding", "broken")];
  assert.match(refusal(broken, deploy("x", 1))!.message, /denied request: valueExpression 'object.spec.nope' resulted in error: no such key: nope/);
});

test("matchConditions skip the policy; errors follow failurePolicy", () => {
  const ns = new FakeNamespace();
  const spec = { matchConditions: [{ name: "labelled", expression: "has(object.metadata.labels) && 'checked' in object.metadata.labels" }], validations: [{ expression: "object.spec.replicas < object.spec.max" }] };
  ns.policies = [policy("p", spec)];
  ns.bindings = [binding("b", "p")];
  assert.equal(refusal(ns, deploy("x", 1)), undefined, "condition false");
  assert.match(refusal(ns, deploy("x", 1, { checked: "1" }))!.message, /denied request: expression 'object\.spec\.replicas < object\.spec\.max' resulted in error: no such key: max$/);
  ns.policies = [policy("p", { ...spec, failurePolicy: "Ignore" })];
  assert.equal(refusal(ns, deploy("x", 1, { checked: "1" })), undefined);
});

test("params: from the binding's paramRef, Deny or Allow when none is found", () => {
  const ns = new FakeNamespace();
  ns.policies = [policy("p", { paramKind: { apiVersion: "v1", kind: "ConfigMap" }, validations: [{ expression: "object.spec.replicas <= int(params.data.maxReplicas)", messageExpression: "'at most ' + params.data.maxReplicas" }] })];
  ns.bindings = [binding("b", "p", { paramRef: { name: "limits", parameterNotFoundAction: "Deny" } })];
  assert.match(refusal(ns, deploy("x", 1))!.message, /denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction$/);
  ns.params = [{ metadata: { name: "limits" }, data: { maxReplicas: "2" } }, { metadata: { name: "other" }, data: { maxReplicas: "0" } }];
  assert.equal(refusal(ns, deploy("x", 2)), undefined);
  assert.match(refusal(ns, deploy("x", 3))!.message, /denied request: at most 2$/);
  ns.params = [];
  ns.bindings = [binding("b", "p", { paramRef: { name: "limits", parameterNotFoundAction: "Allow" } })];
  assert.equal(refusal(ns, deploy("x", 9)), undefined);
});

test("DELETE: object is null, oldObject the live one; request carries the operation and the user", () => {
  const ns = new FakeNamespace();
  ns.policies = [policy("p", { matchConstraints: { resourceRules: [{ ...deployments, operations: ["DELETE"] }] }, validations: [{ expression: "object == null && oldObject.metadata.name != 'keep' && request.operation == 'DELETE' && request.userInfo.username == 'alice'", message: "protected" }] })];
  ns.bindings = [binding("b", "p")];
  assert.equal(refusal(ns, deploy("x", 1), "DELETE", deploy("x", 1)), undefined);
  assert.match(refusal(ns, deploy("keep", 1), "DELETE", deploy("keep", 1))!.message, /denied request: protected$/);
});

test("policies and bindings are validated as kube-apiserver does", async () => {
  const { validatingAdmissionPolicy: vap, validatingAdmissionPolicyBinding: vapb } = await import("../registry/kinds/admissionregistration/validatingadmissionpolicy.js");
  const errs = (k: typeof vap, spec: Record<string, unknown>) => {
    const o: KObject = { metadata: { name: "x" }, spec };
    k.strategy!.defaults!(o);
    return k.strategy!.validate!(o).map((e) => `${e.field}: ${e.message}`);
  };
  assert.deepEqual(errs(vap, { matchConstraints: { resourceRules: [deployments] }, validations: [{ expression: "object.spec.replicas < 5" }] }), []);
  assert.deepEqual(errs(vap, { matchConstraints: { resourceRules: [deployments] }, validations: [{ expression: "object.x >", reason: "Teapot" }], failurePolicy: "Maybe" }), [
    'spec.failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
    'spec.validations[0].expression: Invalid value: "object.x >": compilation failed: ERROR: <input>:1:11: Unexpected token: EOF',
    'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge"',
  ]);
  assert.deepEqual(errs(vap, {}), ["spec.matchConstraints: Required value", "spec.validations: Required value: validations or auditAnnotations must contain at least one item"]);
  assert.deepEqual(errs(vapb, { policyName: "p", validationActions: ["Deny"] }), []);
  assert.deepEqual(errs(vapb, { validationActions: ["Deny", "Warn"], paramRef: { name: "a", selector: {} } }), [
    "spec.policyName: Required value",
    'spec.validationActions: Invalid value: ["Deny","Warn"]: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
    "spec.paramRef: Forbidden: one of name or selector must be set",
  ]);
});

test("authorizer: the request's own resource, other resources, a service account's rights and paths, checked for the requesting user", () => {
  const ns = new FakeNamespace();
  ns.policies = [
    policy("who-may", {
      validations: [
        { expression: "authorizer.requestResource.check('escalate').allowed()", message: "needs escalate on deployments" },
        { expression: "authorizer.group('').resource('secrets').namespace('team').check('get').allowed() || object.spec.replicas < 3", message: "only secret readers may run 3 or more" },
        { expression: "!has(object.metadata.labels) || !('bot' in object.metadata.labels) || authorizer.serviceAccount('team', object.metadata.labels['bot']).group('apps').resource('deployments').namespace('team').check('update').allowed()", message: "the bot may not update deployments" },
        { expression: "authorizer.path('/healthz').check('get').allowed() || authorizer.path('/healthz').check('get').reason() == ''", message: "unreachable" },
      ],
    }),
  ];
  ns.bindings = [binding("who-may-binding", "who-may")];
  assert.match(refusal(ns, deploy("d", 1))!.message, /needs escalate on deployments/);
  ns.allowed = ["alice escalate apps/deployments team/d"];
  assert.equal(refusal(ns, deploy("d", 1)), undefined);
  assert.match(refusal(ns, deploy("d", 5))!.message, /only secret readers may run 3 or more/);
  ns.allowed.push("alice get /secrets team/");
  assert.equal(refusal(ns, deploy("d", 5)), undefined);
  assert.match(refusal(ns, deploy("d", 1, { bot: "ci" }))!.message, /the bot may not update deployments/);
  ns.allowed.push("system:serviceaccount:team:ci update apps/deployments team/");
  assert.equal(refusal(ns, deploy("d", 1, { bot: "ci" })), undefined);
});
