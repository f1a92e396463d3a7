/**
 * flowcontrol.apiserver.k8s.io/v1 FlowSchema and PriorityLevelConfiguration:
 * API Priority and Fairness' configuration, served with kube-apiserver's
 * defaults, validation and kubectl's columns, and the mandatory and
 * suggested objects every 1.30 cluster starts with (bootstrap.ts). Edgeplane
 * does not queue requests by them: a Worker has no shared concurrency to
 * divide, and each namespace's store is its own Durable Object. The
 * configuration controller (src/controllers/flowcontrol/) keeps each
 * FlowSchema's Dangling condition, kubectl's MISSINGPL column.
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { ageColumn, nameColumn } from "../../columns.js";
import type { KindDef, KObject } from "../../types.js";
import { MANDATORY_FLOW_SCHEMAS, MANDATORY_PRIORITY_LEVELS, SUGGESTED_FLOW_SCHEMAS, SUGGESTED_PRIORITY_LEVELS } from "./bootstrap.js";

const group = "flowcontrol.apiserver.k8s.io";

type Subject = { kind?: string; user?: { name?: string }; group?: { name?: string }; serviceAccount?: { namespace?: string; name?: string } };
type ResourceRule = { verbs?: string[]; apiGroups?: string[]; resources?: string[]; clusterScope?: boolean; namespaces?: string[] };
type NonResourceRule = { verbs?: string[]; nonResourceURLs?: string[] };
type Rule = { subjects?: Subject[]; resourceRules?: ResourceRule[]; nonResourceRules?: NonResourceRule[] };
type FSSpec = { priorityLevelConfiguration?: { name?: string }; matchingPrecedence?: number; distinguisherMethod?: { type?: string }; rules?: Rule[] };
type Queuing = { queues?: number; handSize?: number; queueLengthLimit?: number };
type Limited = { nominalConcurrencyShares?: number; lendablePercent?: number; borrowingLimitPercent?: number; limitResponse?: { type?: string; queuing?: Queuing } };
type PLSpec = { type?: string; limited?: Limited; exempt?: { nominalConcurrencyShares?: number; lendablePercent?: number } };

const fsSpec = (o: KObject) => (o.spec ?? {}) as FSSpec;
const plSpec = (o: KObject) => (o.spec ?? {}) as PLSpec;

/** Column descriptions as kube-apiserver's printers give them. */
const DESCRIBED = {
  priorityLevel: "`name` is the name of the priority level configuration being referenced Required.",
  precedence: "`matchingPrecedence` is used to choose among the FlowSchemas that match a given request. The chosen FlowSchema is among those with the numerically lowest (which we take to be logically highest) MatchingPrecedence.",
  distinguisher: "`distinguisherMethod` defines how to compute the flow distinguisher for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus will always be the empty string.",
};

/** The subject kinds and what each must name (ValidateFlowSchemaSubject). */
function subjectErrors(s: Subject, at: string): FieldError[] {
  const errs: FieldError[] = [];
  const named: Record<string, [keyof Subject, string]> = { User: ["user", "name"], Group: ["group", "name"], ServiceAccount: ["serviceAccount", "name"] };
  if (!s.kind) return [fieldErrors.required(`${at}.kind`)];
  if (!named[s.kind]) return [fieldErrors.notSupported(`${at}.kind`, s.kind, ["Group", "ServiceAccount", "User"])];
  for (const [kind, [field]] of Object.entries(named)) {
    const set = s[field] !== undefined;
    if (kind === s.kind && !set) errs.push(fieldErrors.required(`${at}.${field}`, `${field} is required when subject kind is '${kind}'`));
    if (kind !== s.kind && set) errs.push(fieldErrors.forbidden(`${at}.${field}`, `${field} is forbidden when subject kind is not '${kind}'`));
  }
  if (s.kind === "User" && s.user && !s.user.name) errs.push(fieldErrors.required(`${at}.user.name`, "username is required"));
  if (s.kind === "Group" && s.group && !s.group.name) errs.push(fieldErrors.required(`${at}.group.name`, "group name is required"));
  if (s.kind === "ServiceAccount" && s.serviceAccount) {
    if (!s.serviceAccount.name) errs.push(fieldErrors.required(`${at}.serviceAccount.name`, "name is required"));
    if (!s.serviceAccount.namespace) errs.push(fieldErrors.required(`${at}.serviceAccount.namespace`, "namespace is required"));
  }
  return errs;
}

function ruleErrors(rule: Rule, at: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!rule.subjects?.length) errs.push(fieldErrors.required(`${at}.subjects`, "subjects must contain at least one value"));
  (rule.subjects ?? []).forEach((s, i) => errs.push(...subjectErrors(s, `${at}.subjects[${i}]`)));
  if (!rule.resourceRules?.length && !rule.nonResourceRules?.length) errs.push(fieldErrors.required(at, "at least one of resourceRules and nonResourceRules has to be non-empty"));
  (rule.resourceRules ?? []).forEach((r, i) => {
    const p = `${at}.resourceRules[${i}]`;
    if (!r.verbs?.length) errs.push(fieldErrors.required(`${p}.verbs`, "verbs must contain at least one value"));
    if (!r.apiGroups?.length) errs.push(fieldErrors.required(`${p}.apiGroups`, "resource rules must supply at least one api group"));
    if (!r.resources?.length) errs.push(fieldErrors.required(`${p}.resources`, "resource rules must supply at least one resource"));
    if (!r.namespaces?.length && !r.clusterScope) errs.push(fieldErrors.required(`${p}.namespaces`, "resource rules that are not cluster scoped must supply at least one namespace"));
  });
  (rule.nonResourceRules ?? []).forEach((r, i) => {
    const p = `${at}.nonResourceRules[${i}]`;
    if (!r.verbs?.length) errs.push(fieldErrors.required(`${p}.verbs`, "verbs must contain at least one value"));
    if (!r.nonResourceURLs?.length) errs.push(fieldErrors.required(`${p}.nonResourceURLs`, "nonResourceURLs must contain at least one value"));
  });
  return errs;
}

export const flowSchema: KindDef = {
  group,
  version: "v1",
  kind: "FlowSchema",
  plural: "flowschemas",
  singular: "flowschema",
  namespaced: false,
  nameFormat: "path-segment",
  schemaName: "io.k8s.api.flowcontrol.v1.FlowSchema",
  schema: definitions["io.k8s.api.flowcontrol.v1.FlowSchema"],
  columns: [
    nameColumn,
    { name: "PriorityLevel", type: "string", description: DESCRIBED.priorityLevel, cell: (o) => fsSpec(o).priorityLevelConfiguration?.name ?? "" },
    { name: "MatchingPrecedence", type: "string", description: DESCRIBED.precedence, cell: (o) => fsSpec(o).matchingPrecedence ?? 0 },
    { name: "DistinguisherMethod", type: "string", description: DESCRIBED.distinguisher, cell: (o) => fsSpec(o).distinguisherMethod?.type ?? "<none>" },
    ageColumn,
    {
      name: "MissingPL",
      type: "string",
      description: "references a broken or non-existent PriorityLevelConfiguration",
      cell: (o) => ((o.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === "Dangling")?.status ?? "?",
    },
  ],
  subresources: { status: true },
  bootstrap: [...MANDATORY_FLOW_SCHEMAS, ...SUGGESTED_FLOW_SCHEMAS],
  strategy: {
    defaults(o) {
      const s = (o.spec ??= {}) as FSSpec;
      s.matchingPrecedence ||= 1000;
    },
    validate(o) {
      const s = fsSpec(o);
      const errs: FieldError[] = [];
      const p = s.matchingPrecedence ?? 0;
      if (p <= 0) errs.push(fieldErrors.invalid("spec.matchingPrecedence", p, "must be a positive value"));
      else if (p > 10000) errs.push(fieldErrors.invalid("spec.matchingPrecedence", p, "must not be greater than 10000"));
      if (s.distinguisherMethod && !["ByNamespace", "ByUser"].includes(s.distinguisherMethod.type ?? "")) errs.push(fieldErrors.notSupported("spec.distinguisherMethod.type", s.distinguisherMethod.type ?? "", ["ByNamespace", "ByUser"]));
      if (!s.priorityLevelConfiguration?.name) errs.push(fieldErrors.required("spec.priorityLevelConfiguration.name", "must reference a priority level"));
      (s.rules ?? []).forEach((r, i) => errs.push(...ruleErrors(r, `spec.rules[${i}]`)));
      return errs;
    },
  },
};

const none = "<none>";
const queuing = (o: KObject) => plSpec(o).limited?.limitResponse?.queuing;

export const priorityLevelConfiguration: KindDef = {
  group,
  version: "v1",
  kind: "PriorityLevelConfiguration",
  plural: "prioritylevelconfigurations",
  singular: "prioritylevelconfiguration",
  namespaced: false,
  nameFormat: "path-segment",
  schemaName: "io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration",
  schema: definitions["io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration"],
  columns: [
    nameColumn,
    { name: "Type", type: "string", description: "`type` indicates whether this priority level is subject to limitation on request execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a limit (and thus are never queued) and do not detract from the capacity made available to other priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ subject to limits and (b) some of the server's limited capacity is made available exclusively to this priority level. Required.", cell: (o) => plSpec(o).type ?? "" },
    { name: "NominalConcurrencyShares", type: "string", description: "`nominalConcurrencyShares` (NCS) contributes to the computation of the NominalConcurrencyLimit (NominalCL) of this level.", cell: (o) => plSpec(o).limited?.nominalConcurrencyShares ?? none },
    { name: "Queues", type: "string", description: "`queues` is the number of queues for this priority level. The queues exist independently at each apiserver. The value must be positive.  Setting it to 1 effectively precludes shufflesharding and thus makes the distinguisher method of associated flow schemas irrelevant.  This field has a default value of 64.", cell: (o) => queuing(o)?.queues ?? none },
    { name: "HandSize", type: "string", description: "`handSize` is a small positive number that configures the shuffle sharding of requests into queues.", cell: (o) => queuing(o)?.handSize ?? none },
    { name: "QueueLengthLimit", type: "string", description: "`queueLengthLimit` is the maximum number of requests allowed to be waiting in a given queue of this priority level at a time; excess requests are rejected.  This value must be positive.  If not specified, it will be defaulted to 50.", cell: (o) => queuing(o)?.queueLengthLimit ?? none },
    ageColumn,
  ],
  subresources: { status: true },
  bootstrap: [...MANDATORY_PRIORITY_LEVELS, ...SUGGESTED_PRIORITY_LEVELS],
  strategy: {
    defaults(o) {
      const s = (o.spec ??= {}) as PLSpec;
      if (s.limited) {
        s.limited.nominalConcurrencyShares ??= 30;
        s.limited.lendablePercent ??= 0;
        const q = s.limited.limitResponse?.queuing;
        if (q) {
          q.queues ||= 64;
          q.handSize ||= 8;
          q.queueLengthLimit ||= 50;
        }
      }
      if (s.exempt) {
        s.exempt.nominalConcurrencyShares ??= 0;
        s.exempt.lendablePercent ??= 0;
      }
    },
    validate(o) {
      const s = plSpec(o);
      const name = o.metadata.name ?? "";
      const errs: FieldError[] = [];
      if (!s.type) errs.push(fieldErrors.required("spec.type", "must be 'Exempt' or 'Limited'"));
      else if (!["Exempt", "Limited"].includes(s.type)) errs.push(fieldErrors.notSupported("spec.type", s.type, ["Exempt", "Limited"]));
      if ((s.type === "Exempt") !== (name === "exempt") && s.type) errs.push(fieldErrors.invalid("spec.type", s.type, "type must be 'Exempt' if and only if name is 'exempt'"));
      if (s.type === "Limited") {
        if (s.exempt) errs.push(fieldErrors.forbidden("spec.exempt", "must be nil if the type is Limited"));
        if (!s.limited) errs.push(fieldErrors.required("spec.limited", "must not be empty when type is Limited"));
      }
      if (s.type === "Exempt" && s.limited) errs.push(fieldErrors.forbidden("spec.limited", "must be nil if the type is not Limited"));
      const l = s.limited;
      if (l) {
        if ((l.nominalConcurrencyShares ?? 0) < 0) errs.push(fieldErrors.invalid("spec.limited.nominalConcurrencyShares", l.nominalConcurrencyShares, "must be a non-negative integer"));
        const lp = l.lendablePercent ?? 0;
        if (lp < 0 || lp > 100) errs.push(fieldErrors.invalid("spec.limited.lendablePercent", lp, "must be between 0 and 100, inclusive"));
        if ((l.borrowingLimitPercent ?? 0) < 0) errs.push(fieldErrors.invalid("spec.limited.borrowingLimitPercent", l.borrowingLimitPercent, "if specified, must be a non-negative integer"));
        const r = l.limitResponse ?? {};
        if (!r.type) errs.push(fieldErrors.required("spec.limited.limitResponse.type"));
        else if (!["Queue", "Reject"].includes(r.type)) errs.push(fieldErrors.notSupported("spec.limited.limitResponse.type", r.type, ["Queue", "Reject"]));
        if (r.type === "Reject" && r.queuing) errs.push(fieldErrors.forbidden("spec.limited.limitResponse.queuing", "must be nil if limited.limitResponse.type is not Limited"));
        if (r.type === "Queue" && !r.queuing) errs.push(fieldErrors.required("spec.limited.limitResponse.queuing", "must not be empty if limited.limitResponse.type is Limited"));
        const q = r.queuing;
        if (q) {
          const at = "spec.limited.limitResponse.queuing";
          if ((q.queues ?? 0) <= 0) errs.push(fieldErrors.invalid(`${at}.queues`, q.queues ?? 0, "must be positive"));
          if ((q.queueLengthLimit ?? 0) <= 0) errs.push(fieldErrors.invalid(`${at}.queueLengthLimit`, q.queueLengthLimit ?? 0, "must be positive"));
          if ((q.handSize ?? 0) <= 0) errs.push(fieldErrors.invalid(`${at}.handSize`, q.handSize ?? 0, "must be positive"));
          else if ((q.handSize ?? 0) > (q.queues ?? 0)) errs.push(fieldErrors.invalid(`${at}.handSize`, q.handSize, `should not be greater than queues (${q.queues ?? 0})`));
        }
      }
      const e = s.exempt;
      if (e) {
        if ((e.nominalConcurrencyShares ?? 0) < 0) errs.push(fieldErrors.invalid("spec.exempt.nominalConcurrencyShares", e.nominalConcurrencyShares, "must be a non-negative integer"));
        const lp = e.lendablePercent ?? 0;
        if (lp < 0 || lp > 100) errs.push(fieldErrors.invalid("spec.exempt.lendablePercent", lp, "must be between 0 and 100, inclusive"));
      }
      return errs;
    },
  },
};
