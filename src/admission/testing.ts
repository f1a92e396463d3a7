/** A fake AdmissionContext and attribute builder for the plugins' unit tests. */
import type { RequestUser } from "../store/protocol.js";
import type { AuthzAnswer, AuthzQuery } from "../apimachinery/cel.js";
import { registry } from "../registry/index.js";
import type { KObject } from "../registry/types.js";
import type { AdmissionContext, Attributes, NamespacePhase, Operation } from "./types.js";
import type { ParamRef } from "./validating-policy.js";
import { selectParams } from "../store/policy-cache.js";

export class FakeNamespace implements AdmissionContext {
  objects = new Map<string, KObject[]>();
  warnings: string[] = [];
  annotations: Record<string, string> = {};
  statusWrites: KObject[] = [];
  constructor(
    public labels: Record<string, string> = {},
    public phase: NamespacePhase = "Active",
  ) {}
  add(resource: string, ...objs: KObject[]): this {
    this.objects.set(resource, [...(this.objects.get(resource) ?? []), ...objs]);
    return this;
  }
  namespaceLabels = () => this.labels;
  namespacePhase = () => this.phase;
  classes: KObject[] = [];
  priorityClasses = () => this.classes;
  runtime: KObject[] = [];
  runtimeClasses = () => this.runtime;
  policies: KObject[] = [];
  bindings: KObject[] = [];
  params: KObject[] = [];
  admissionPolicies = () => ({ policies: this.policies, bindings: this.bindings });
  policyParams = (binding: KObject) => selectParams(this.params, (binding.spec as { paramRef?: ParamRef } | undefined)?.paramRef ?? {});
  list = (r: string) => this.objects.get(r) ?? [];
  get = (r: string, name: string) => this.list(r).find((o) => o.metadata.name === name);
  count = (r: string) => this.list(r).length;
  warn = (m: string) => void this.warnings.push(m);
  annotate = (k: string, v: string) => void (this.annotations[k] = v);
  /** authorizer checks: allowed when listed as "<user> <verb> <group>/<resource>[/<subresource>] <namespace>/<name>", else denied. */
  allowed: string[] = [];
  authorize = (user: RequestUser, q: AuthzQuery): AuthzAnswer => {
    const res = q.path ?? `${q.group ?? ""}/${q.resource ?? ""}${q.subresource ? `/${q.subresource}` : ""} ${q.namespace ?? ""}/${q.name ?? ""}`;
    return { decision: this.allowed.includes(`${user.username} ${q.verb} ${res}`) ? "allow" : "deny" };
  };
  writeStatus = (r: string, obj: KObject) => {
    this.statusWrites.push(obj);
    this.objects.set(r, this.list(r).map((o) => (o.metadata.name === obj.metadata.name ? obj : o)));
  };
}

export function attrs(resource: string, object: KObject, operation: Operation = "CREATE", extra: Partial<Attributes> = {}): Attributes {
  const kind = registry.byKey(resource);
  if (!kind) throw new Error(`unknown ${resource}`);
  return { operation, kind, resource, namespace: "team", name: object.metadata.name ?? "", object, user: { username: "alice", groups: [] }, dryRun: false, ...extra };
}

export const pod = (name: string, containers: Record<string, unknown>[], spec: Record<string, unknown> = {}): KObject => ({
  metadata: { name, namespace: "team" },
  spec: { containers, ...spec },
});
