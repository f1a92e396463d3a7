/**
 * The FlowSchemas and PriorityLevelConfigurations a Kubernetes 1.30 API
 * server creates at start (k8s.io/apiserver's flowcontrol bootstrap
 * configuration): the mandatory exempt and catch-all pairs and the suggested
 * levels and schemas, annotated as kube-apiserver annotates them.
 */
import type { KObject } from "../../types.js";

const apiVersion = "flowcontrol.apiserver.k8s.io/v1";
const meta = (name: string) => ({ name, annotations: { "apf.kubernetes.io/autoupdate-spec": "true" } });

type Subject = Record<string, unknown>;
const group = (...names: string[]): Subject[] => names.map((name) => ({ kind: "Group", group: { name } }));
const user = (...names: string[]): Subject[] => names.map((name) => ({ kind: "User", user: { name } }));
const kubeSystemSA = (name: string): Subject => ({ kind: "ServiceAccount", serviceAccount: { namespace: "kube-system", name } });

const resourceRule = (verbs: string[], apiGroups: string[], resources: string[], namespaces: string[], clusterScope: boolean) => ({ verbs, apiGroups, resources, ...(clusterScope ? { clusterScope } : {}), namespaces });
const ALL_RESOURCES = resourceRule(["*"], ["*"], ["*"], ["*"], true);
const ALL_NON_RESOURCES = { verbs: ["*"], nonResourceURLs: ["*"] };

function flowSchema(name: string, priorityLevel: string, matchingPrecedence: number, distinguisher: string | undefined, rule: Record<string, unknown>): KObject {
  return {
    apiVersion,
    kind: "FlowSchema",
    metadata: meta(name),
    spec: { priorityLevelConfiguration: { name: priorityLevel }, matchingPrecedence, ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}), rules: [rule] },
  };
}

function limited(name: string, nominalConcurrencyShares: number, lendablePercent: number, queuing?: [number, number, number]): KObject {
  const limitResponse = queuing ? { type: "Queue", queuing: { queues: queuing[0], handSize: queuing[1], queueLengthLimit: queuing[2] } } : { type: "Reject" };
  return { apiVersion, kind: "PriorityLevelConfiguration", metadata: meta(name), spec: { type: "Limited", limited: { nominalConcurrencyShares, lendablePercent, limitResponse } } };
}

export const MANDATORY_PRIORITY_LEVELS: KObject[] = [
  { apiVersion, kind: "PriorityLevelConfiguration", metadata: meta("exempt"), spec: { type: "Exempt", exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } } },
  limited("catch-all", 5, 0),
];

export const SUGGESTED_PRIORITY_LEVELS: KObject[] = [
  limited("system", 30, 33, [64, 6, 50]),
  limited("node-high", 40, 25, [64, 6, 50]),
  limited("leader-election", 10, 0, [16, 4, 50]),
  limited("workload-high", 40, 50, [128, 6, 50]),
  limited("workload-low", 100, 90, [128, 6, 50]),
  limited("global-default", 20, 50, [128, 6, 50]),
];

const everything = (subjects: Subject[]) => ({ subjects, resourceRules: [ALL_RESOURCES], nonResourceRules: [ALL_NON_RESOURCES] });
const leases = resourceRule(["get", "create", "update"], ["coordination.k8s.io"], ["leases"], ["*"], false);

export const MANDATORY_FLOW_SCHEMAS: KObject[] = [
  flowSchema("exempt", "exempt", 1, undefined, everything(group("system:masters"))),
  flowSchema("catch-all", "catch-all", 10000, "ByUser", everything(group("system:unauthenticated", "system:authenticated"))),
];

export const SUGGESTED_FLOW_SCHEMAS: KObject[] = [
  flowSchema("system-nodes", "system", 500, "ByUser", everything(group("system:nodes"))),
  flowSchema("system-node-high", "node-high", 400, "ByUser", {
    subjects: group("system:nodes"),
    resourceRules: [resourceRule(["*"], [""], ["nodes", "nodes/status"], ["*"], true), resourceRule(["*"], ["coordination.k8s.io"], ["leases"], ["*"], false)],
  }),
  flowSchema("probes", "exempt", 2, undefined, { subjects: group("system:unauthenticated", "system:authenticated"), nonResourceRules: [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/readyz", "/livez"] }] }),
  flowSchema("system-leader-election", "leader-election", 100, "ByUser", { subjects: [...user("system:kube-controller-manager", "system:kube-scheduler"), kubeSystemSA("*")], resourceRules: [leases] }),
  flowSchema("endpoint-controller", "workload-high", 150, "ByUser", {
    subjects: [...user("system:kube-controller-manager"), kubeSystemSA("endpoint-controller")],
    resourceRules: [resourceRule(["get", "create", "update"], [""], ["endpoints"], ["*"], false)],
  }),
  flowSchema("workload-leader-election", "leader-election", 200, "ByUser", { subjects: [kubeSystemSA("*")], resourceRules: [leases] }),
  flowSchema("kube-controller-manager", "workload-high", 800, "ByNamespace", everything(user("system:kube-controller-manager"))),
  flowSchema("kube-scheduler", "workload-high", 800, "ByNamespace", everything(user("system:kube-scheduler"))),
  flowSchema("kube-system-service-accounts", "workload-high", 900, "ByNamespace", everything([kubeSystemSA("*")])),
  flowSchema("service-accounts", "workload-low", 9000, "ByUser", everything(group("system:serviceaccounts"))),
  flowSchema("global-default", "global-default", 9900, "ByUser", everything(group("system:unauthenticated", "system:authenticated"))),
];
