/**
 * Admission webhooks (Mutating and ValidatingWebhookConfigurations) around
 * one API write, as kube-apiserver's MutatingAdmissionWebhook and
 * ValidatingAdmissionWebhook plugins run them. A store answers a write in
 * one synchronous transaction, and a webhook is a network call, so a write
 * that some webhook's rules cover goes in three steps:
 *   1. the store computes the object it would store (a dry run: defaults,
 *      the built-in admission plugins, validation);
 *   2. the mutating webhooks see it in turn, each given the object the
 *      previous one patched, then the validating ones see the result, together;
 *   3. the original write is made again with the webhooks' JSON patch applied
 *      after the built-in plugins, on condition that the object is still the
 *      one the webhooks saw (else steps 1–3 run again, as an apiserver retries
 *      a conflicting update).
 * Writes no webhook rule covers go straight to the store: the configurations
 * are a per-isolate copy refreshed at most every second.
 */
import type { Env } from "../../env.js";
import { celJson, compileCel, celErrorMessage, readsVariable } from "../../apimachinery/cel.js";
import { rbacDecider, type RbacDecider } from "../../authz/worker.js";
import { registry } from "../../registry/index.js";
import type { KindDef, KObject } from "../../registry/types.js";
import { clusterStore, type ObjectStore } from "../../store/object-store.js";
import type { Result, WriteRequest } from "../../store/protocol.js";
import { matchesResources, type MatchResources, type NamedRule } from "../match.js";
import { admissionRequest, requestAuthorizer } from "../request.js";
import { selectorFromLabelSelector } from "../../apimachinery/selectors/labels.js";
import type { Attributes, Operation } from "../types.js";
import { post, type ClientConfig } from "./call.js";
import { MUTATING, VALIDATING } from "./resources.js";
import { SharedCopy } from "../../store/shared-copy.js";
import { admissionReview, callFailure, readAnswer, refusal, type JsonPatchOp } from "./review.js";
import { mutateInTurn } from "./mutate.js";


interface Webhook {
  name: string;
  clientConfig: ClientConfig;
  rules?: NamedRule[];
  failurePolicy?: "Fail" | "Ignore";
  namespaceSelector?: MatchResources["namespaceSelector"];
  objectSelector?: MatchResources["objectSelector"];
  matchConditions?: { name: string; expression: string }[];
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: "Never" | "IfNeeded";
}
interface Hook extends Webhook {
  mutating: boolean;
  config: string;
}

const TTL_MS = 1000;
const validatingCopy = new SharedCopy(VALIDATING, TTL_MS);
const mutatingCopy = new SharedCopy(MUTATING, TTL_MS);
let cached: Hook[] = [];

/** Every webhook, mutating ones first in the order of their configurations' names, then as listed (Kubernetes' order). */
async function hooks(env: Env): Promise<Hook[]> {
  const store = () => clusterStore(env);
  const changed = await Promise.all([validatingCopy.refresh(store), mutatingCopy.refresh(store)]);
  if (changed.some((c) => c)) {
    const of = (items: KObject[], mutating: boolean) => items.flatMap((o) => ((o as { webhooks?: Webhook[] }).webhooks ?? []).map((w) => ({ ...w, mutating, config: o.metadata.name ?? "" })));
    cached = [...of(mutatingCopy.items, true).sort((a, b) => a.config.localeCompare(b.config)), ...of(validatingCopy.items, false)];
  }
  return cached;
}

/** matchConditions: all true to call the webhook; an error follows failurePolicy. authz answers `authorizer` checks (when some condition reads it). */
function conditionsHold(h: Hook, a: Attributes, authz?: RbacDecider): boolean {
  const vars = {
    object: a.operation === "DELETE" ? null : celJson(a.object),
    oldObject: a.oldObject ? celJson(a.oldObject) : null,
    request: celJson(admissionRequest(a, "")),
    ...(authz ? { authorizer: requestAuthorizer(a, authz) } : {}),
  };
  for (const mc of h.matchConditions ?? []) {
    try {
      if (compileCel(mc.expression)(vars) !== true) return false;
    } catch (e) {
      if (h.failurePolicy === "Ignore") return false;
      throw callFailure(h.name, `failed to evaluate match condition "${mc.name}": ${celErrorMessage(e)}`);
    }
  }
  return true;
}

async function namespaceLabels(env: Env, kind: KindDef, namespace: string): Promise<Record<string, string>> {
  if (!kind.namespaced || !namespace) return {};
  const r = await clusterStore(env).get("namespaces", "", namespace);
  return r.code === 200 ? ((JSON.parse(r.body) as KObject).metadata.labels ?? {}) : {};
}

/** Call one webhook: its patch (mutating ones) and warnings when it allowed (or could not be called under Ignore); throws its refusal. */
async function call(env: Env, h: Hook, a: Attributes): Promise<{ patch?: JsonPatchOp[]; warnings: string[] }> {
  const uid = crypto.randomUUID();
  const version = (h.admissionReviewVersions ?? ["v1"]).includes("v1") ? "admission.k8s.io/v1" : "admission.k8s.io/v1beta1";
  let answer;
  try {
    answer = readAnswer(await post(env, h.clientConfig, JSON.stringify(admissionReview(a, uid, version)), (h.timeoutSeconds ?? 10) * 1000), uid);
  } catch (e) {
    if (h.failurePolicy === "Ignore") return { warnings: [] };
    throw callFailure(h.name, (e as Error).message);
  }
  if (!answer.allowed) throw refusal(h.name, answer);
  return { ...(answer.patch && h.mutating ? { patch: answer.patch } : {}), warnings: answer.warnings };
}

const operationOf = (w: WriteRequest): Operation => (w.verb === "create" ? "CREATE" : w.verb === "delete" ? "DELETE" : "UPDATE");

const probe = (kind: KindDef, w: WriteRequest, op: Operation): Attributes => ({ operation: op, kind, resource: w.resource, subresource: w.subresource, namespace: w.namespace, name: ("name" in w ? w.name : undefined) ?? "", object: {} as KObject, user: w.user, dryRun: !!w.options.dryRun });

/** The webhooks whose rules cover this write (before any I/O beyond the cached configurations). */
async function candidatesFor(env: Env, w: WriteRequest): Promise<{ kind: KindDef; hooks: Hook[] } | undefined> {
  if (w.verb === "deletecollection") return undefined;
  const all = await hooks(env);
  if (!all.length) return undefined;
  const kind = registry.byKey(w.resource);
  // As in Kubernetes, webhooks never see admission configuration itself: a broken webhook can always be removed.
  if (!kind || kind.group === "admissionregistration.k8s.io") return undefined;
  const op = operationOf(w);
  // Server-side apply may create: either operation may then be asked for.
  const covers = (h: Hook) => (h.rules ?? []).some((r) => matchesResources({ resourceRules: [r] }, probe(kind, w, op), {}) || (w.verb === "patch" && matchesResources({ resourceRules: [r] }, probe(kind, w, "CREATE"), {})));
  const candidates = all.filter(covers);
  return candidates.length ? { kind, hooks: candidates } : undefined;
}

/** Whether some webhook's rules cover a write: the controllers' writes take writeWithWebhooks then, one by one. */
export async function coveredByWebhooks(env: Env, w: WriteRequest): Promise<boolean> {
  return (await candidatesFor(env, w)) !== undefined;
}

/** The write, with the webhooks whose rules cover it. */
export async function writeWithWebhooks(env: Env, stub: DurableObjectStub<ObjectStore>, w: WriteRequest): Promise<Result> {
  if (w.verb === "deletecollection") return stub.write(w);
  const found = await candidatesFor(env, w);
  if (!found) return stub.write(w);
  const { kind, hooks: candidates } = found;

  // The namespace's labels only when some webhook selects by them (a read of the cluster store).
  const bySelector = candidates.some((h) => !selectorFromLabelSelector(h.namespaceSelector ?? {}).empty);
  const labels = bySelector ? await namespaceLabels(env, kind, w.namespace) : {};
  // RBAC for matchConditions that read `authorizer`, read once for the write.
  const readsAuthorizer = candidates.some((h) => (h.matchConditions ?? []).some((mc) => readsVariable(mc.expression, "authorizer")));
  const authz = readsAuthorizer ? await rbacDecider(env, w.namespace) : undefined;
  for (let attempt = 0; ; attempt++) {
    // 1. The live object and what the write would store.
    let old: KObject | undefined;
    if (w.verb !== "create" && w.name) {
      const got = await stub.get(w.resource, w.namespace, w.name, undefined, w.crdVersion);
      if (got.code === 200) old = JSON.parse(got.body) as KObject;
      else if (w.verb !== "patch") return stub.write(w);
    }
    const operation: Operation = w.verb === "patch" && !old ? "CREATE" : operationOf(w);
    let object: KObject | undefined;
    if (operation !== "DELETE") {
      const dry = await stub.write({ ...w, options: { ...w.options, dryRun: true } } as WriteRequest);
      if (dry.code >= 300) return dry;
      object = JSON.parse(dry.body) as KObject;
      if ((object as { kind?: string }).kind === "Status") return stub.write(w);
    }
    const attrs: Attributes = { ...probe(kind, w, operation), name: w.name ?? object?.metadata.name ?? "", object: object ?? old ?? ({} as KObject), oldObject: old };
    const selected = candidates.filter((h) => matchesResources({ resourceRules: h.rules, namespaceSelector: h.namespaceSelector, objectSelector: h.objectSelector }, attrs, labels) && conditionsHold(h, attrs, authz));
    if (!selected.length) return stub.write(w);

    // 2. Mutating webhooks in turn, then the validating ones together.
    const warnings: string[] = [];
    const { object: current, patches } = await mutateInTurn(
      selected.filter((x) => x.mutating),
      attrs.object,
      async (h, object) => {
        const r = await call(env, h, { ...attrs, object });
        warnings.push(...r.warnings);
        return operation === "DELETE" ? undefined : r.patch;
      },
    );
    const validated = await Promise.all(selected.filter((x) => !x.mutating).map((h) => call(env, h, { ...attrs, object: current })));
    for (const r of validated) warnings.push(...r.warnings);

    // 3. The write again, with the patches, on condition the object did not change meanwhile.
    const expect = old?.metadata.resourceVersion;
    // A generated name is the one the webhooks saw (kube-apiserver generates it before admission).
    const named = w.verb === "create" && !w.subresource && object?.metadata.generateName ? [{ op: "replace", path: "/metadata/name", value: object.metadata.name }] : [];
    const admissionPatch = [...named, ...patches];
    const options = { ...w.options, ...(admissionPatch.length ? { admissionPatch } : {}), ...(expect ? { expectResourceVersion: expect } : {}) };
    const r = await stub.write(w.verb === "delete" ? { ...w, options: { ...w.options, preconditions: { ...w.options.preconditions, ...(expect ? { resourceVersion: expect } : {}) } } } : ({ ...w, options } as WriteRequest));
    if (r.code === 409 && expect && attempt < 3 && /the object has been modified|Precondition failed: ResourceVersion/.test(r.body)) continue;
    if (warnings.length) r.warnings = [...(r.warnings ?? []), ...warnings];
    return r;
  }
}
