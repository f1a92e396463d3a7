/**
 * The default roles and bindings every cluster starts with, as Kubernetes'
 * bootstrap policy names them: cluster-admin (bound to system:masters), the
 * aggregated user-facing admin/edit/view, discovery and self-review for every
 * authenticated user, and least-privilege roles for Edgeplane's own
 * components (controller manager, scheduler, nodes, bootstrap tokens).
 * The store creates them at start-up and re-applies them while they keep
 * the autoupdate annotation (bootstrapRbac in object-store.ts).
 */
import type { KObject } from "../registry/types.js";
import type { PolicyRule } from "./rules.js";
import { aggregatedRules } from "./aggregation.js";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const RW = [...READ, ...WRITE];
const r = (apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]): PolicyRule => ({ apiGroups, resources, verbs, ...(resourceNames ? { resourceNames } : {}) });
const urls = (nonResourceURLs: string[], verbs: string[]): PolicyRule => ({ nonResourceURLs, verbs });

const AGG = "rbac.authorization.k8s.io/aggregate-to-";
const DEFAULT_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

function clusterRole(name: string, rules: PolicyRule[], extra: { labels?: Record<string, string>; aggregateFrom?: string } = {}): KObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name, labels: { ...DEFAULT_LABELS, ...extra.labels }, annotations: { ...AUTOUPDATE } },
    ...(extra.aggregateFrom ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${AGG}${extra.aggregateFrom}`]: "true" } }] } } : {}),
    rules,
  };
}

function clusterRoleBinding(name: string, role: string, subjects: { kind: "User" | "Group"; name: string }[]): KObject {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name, labels: { ...DEFAULT_LABELS }, annotations: { ...AUTOUPDATE } },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
    subjects: subjects.map((s) => ({ apiGroup: "rbac.authorization.k8s.io", ...s })),
  };
}

/** Workload and configuration resources a namespace editor manages. */
const EDITABLE_CORE = ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "replicationcontrollers", "replicationcontrollers/scale", "persistentvolumeclaims", "configmaps", "endpoints", "secrets", "services", "services/proxy", "serviceaccounts"];
const VIEWABLE_CORE = ["pods", "pods/log", "pods/status", "replicationcontrollers", "replicationcontrollers/scale", "replicationcontrollers/status", "persistentvolumeclaims", "persistentvolumeclaims/status", "configmaps", "endpoints", "services", "services/status", "serviceaccounts", "bindings", "events", "limitranges", "resourcequotas", "resourcequotas/status", "namespaces", "namespaces/status"];
const APPS = ["deployments", "deployments/scale", "deployments/status", "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status", "daemonsets", "daemonsets/status", "controllerrevisions"];

const rules = {
  clusterAdmin: [r(["*"], ["*"], ["*"]), urls(["*"], ["*"])],
  aggregateToAdmin: [r(["authorization.k8s.io"], ["localsubjectaccessreviews"], ["create"]), r(["rbac.authorization.k8s.io"], ["rolebindings", "roles"], RW)],
  aggregateToEdit: [
    r([""], ["pods/eviction"], ["create"]),
    r([""], EDITABLE_CORE, WRITE),
    r([""], ["serviceaccounts"], ["impersonate"]),
    r([""], ["secrets"], READ),
    r(["apps"], APPS.filter((x) => !x.endsWith("/status")), WRITE),
    r(["autoscaling"], ["horizontalpodautoscalers"], WRITE),
    r(["batch"], ["cronjobs", "jobs"], WRITE),
    r(["discovery.k8s.io"], ["endpointslices"], WRITE),
    r(["networking.k8s.io"], ["ingresses", "networkpolicies"], WRITE),
    r(["policy"], ["poddisruptionbudgets"], WRITE),
    r(["coordination.k8s.io"], ["leases"], RW),
  ],
  aggregateToView: [
    r([""], VIEWABLE_CORE, READ),
    r(["apps"], APPS, READ),
    r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], READ),
    r(["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], READ),
    r(["discovery.k8s.io"], ["endpointslices"], READ),
    r(["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"], READ),
    r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], READ),
    r(["metrics.k8s.io"], ["pods", "nodes"], READ),
    // API Priority and Fairness' configuration controller (kube-apiserver's own in Kubernetes).
    r(["flowcontrol.apiserver.k8s.io"], ["flowschemas", "prioritylevelconfigurations"], [...READ, "create", "update"]),
    r(["flowcontrol.apiserver.k8s.io"], ["flowschemas/status"], ["patch", "update"]),
    // The CSR cleaner.
    r(["certificates.k8s.io"], ["certificatesigningrequests"], [...READ, "delete"]),
  ],
  basicUser: [r(["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"], ["create"]), r(["authentication.k8s.io"], ["selfsubjectreviews"], ["create"])],
  discovery: [urls(["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"], ["get"])],
  publicInfo: [urls(["/healthz", "/livez", "/readyz", "/version", "/version/"], ["get"])],
  /** Exactly what the scheduler loop writes and watches (see src/scheduler/). */
  scheduler: [
    r(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
    r([""], ["pods/binding", "bindings"], ["create"]),
    r([""], ["pods"], ["get", "list", "watch", "delete"]),
    r([""], ["pods/status"], ["patch", "update"]),
    r([""], ["nodes", "namespaces", "persistentvolumes", "persistentvolumeclaims", "services", "replicationcontrollers"], READ),
    r(["apps"], ["replicasets", "statefulsets"], READ),
    r(["coordination.k8s.io"], ["leases"], ["create", "get", "update"]),
  ],
  /** Every controller in src/controllers/ runs as this one identity: their writes, nothing else (no Secrets, no RBAC writes beyond aggregation). */
  controllerManager: [
    r(["", "events.k8s.io"], ["events"], ["create", "patch", "update"]),
    r([""], ["pods"], ["create", "delete", "get", "list", "watch", "patch", "update"]),
    r([""], ["pods/status"], ["patch", "update"]),
    r([""], ["endpoints", "persistentvolumes", "persistentvolumeclaims"], RW),
    r([""], ["persistentvolumes/status", "persistentvolumeclaims/status"], ["patch", "update"]),
    r([""], ["serviceaccounts"], ["create", "get", "list", "watch"]),
    r([""], ["nodes"], ["get", "list", "watch", "patch", "update", "delete"]),
    r([""], ["nodes/status"], ["patch", "update"]),
    r([""], ["namespaces", "limitranges"], READ),
    // The root CA publisher (kube-root-ca.crt) and the controller keeping Service default/kubernetes.
    r([""], ["services", "configmaps"], RW),
    r([""], ["replicationcontrollers", "replicationcontrollers/status"], RW),
    // The quota controller recomputes status.used.
    r([""], ["resourcequotas"], READ),
    r([""], ["resourcequotas/status"], ["patch", "update"]),
    r(["apps"], APPS, RW),
    r(["batch"], ["jobs", "jobs/status", "cronjobs", "cronjobs/status"], RW),
    r(["discovery.k8s.io"], ["endpointslices"], RW),
    // The ingress status controller (where the agents serve each Ingress).
    r(["networking.k8s.io"], ["ingresses", "ingressclasses"], READ),
    r(["networking.k8s.io"], ["ingresses/status"], ["patch", "update"]),
    r(["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"], ["get", "list", "watch", "update", "patch"]),
    r(["apps"], ["deployments/scale", "replicasets/scale", "statefulsets/scale"], ["get", "update", "patch"]),
    r(["metrics.k8s.io"], ["pods", "nodes"], READ),
    // API Priority and Fairness' configuration controller (kube-apiserver's own in Kubernetes).
    r(["flowcontrol.apiserver.k8s.io"], ["flowschemas", "prioritylevelconfigurations"], [...READ, "create", "update"]),
    r(["flowcontrol.apiserver.k8s.io"], ["flowschemas/status"], ["patch", "update"]),
    // The CSR cleaner.
    r(["certificates.k8s.io"], ["certificatesigningrequests"], [...READ, "delete"]),
    // The disruption controller keeps each budget's status.
    r(["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"], ["get", "list", "watch", "update", "patch"]),
    r(["coordination.k8s.io"], ["leases"], READ),
    r(["rbac.authorization.k8s.io"], ["clusterroles"], ["escalate", "get", "list", "watch", "patch", "update"]),
    r(["rbac.authorization.k8s.io"], ["clusterrolebindings", "rolebindings", "roles"], READ),
    // The CRD finalizer deletes a CRD's custom resources, whatever their group, then releases the CRD.
    r(["apiextensions.k8s.io"], ["customresourcedefinitions", "customresourcedefinitions/status"], ["get", "list", "watch", "update", "patch"]),
    r(["*"], ["*"], ["deletecollection"]),
  ],
  /** What a node needs beyond the node authorizer's per-object grants (which cover its Node, Lease, pods and their Secrets etc.). */
  node: [
    r(["authentication.k8s.io"], ["tokenreviews"], ["create"]),
    r(["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"], ["create"]),
    r([""], ["nodes"], ["get", "list", "watch"]),
    r(["storage.k8s.io"], ["csidrivers", "csinodes", "runtimeclasses"], READ),
  ],
  /** Bootstrap tokens may only ask to join (Edgeplane's join endpoint) and file CSRs. */
  nodeBootstrapper: [urls(["/edgeplane/v1/join"], ["get", "post"]), r(["certificates.k8s.io"], ["certificatesigningrequests"], ["create", "get", "list", "watch"])],
};

/** The default ClusterRoles, with aggregated roles already filled in (the aggregation controller keeps them so). */
export function defaultClusterRoles(): KObject[] {
  const roles = [
    clusterRole("cluster-admin", rules.clusterAdmin),
    clusterRole("admin", [], { aggregateFrom: "admin" }),
    clusterRole("edit", [], { aggregateFrom: "edit", labels: { [`${AGG}admin`]: "true" } }),
    clusterRole("view", [], { aggregateFrom: "view", labels: { [`${AGG}edit`]: "true" } }),
    clusterRole("system:aggregate-to-admin", rules.aggregateToAdmin, { labels: { [`${AGG}admin`]: "true" } }),
    clusterRole("system:aggregate-to-edit", rules.aggregateToEdit, { labels: { [`${AGG}edit`]: "true" } }),
    clusterRole("system:aggregate-to-view", rules.aggregateToView, { labels: { [`${AGG}view`]: "true" } }),
    clusterRole("system:basic-user", rules.basicUser),
    clusterRole("system:discovery", rules.discovery),
    clusterRole("system:public-info-viewer", rules.publicInfo),
    clusterRole("system:kube-scheduler", rules.scheduler),
    clusterRole("system:kube-controller-manager", rules.controllerManager),
    clusterRole("system:node", rules.node),
    clusterRole("system:node-bootstrapper", rules.nodeBootstrapper),
  ];
  // Aggregate in dependency order: view feeds edit, edit feeds admin.
  for (const name of ["view", "edit", "admin"]) {
    const role = roles.find((x) => x.metadata.name === name)!;
    role.rules = aggregatedRules(role, roles) ?? [];
  }
  return roles;
}

export function defaultClusterRoleBindings(): KObject[] {
  return [
    clusterRoleBinding("cluster-admin", "cluster-admin", [{ kind: "Group", name: "system:masters" }]),
    clusterRoleBinding("system:basic-user", "system:basic-user", [{ kind: "Group", name: "system:authenticated" }]),
    clusterRoleBinding("system:discovery", "system:discovery", [{ kind: "Group", name: "system:authenticated" }]),
    clusterRoleBinding("system:public-info-viewer", "system:public-info-viewer", [
      { kind: "Group", name: "system:authenticated" },
      { kind: "Group", name: "system:unauthenticated" },
    ]),
    clusterRoleBinding("system:kube-scheduler", "system:kube-scheduler", [{ kind: "User", name: "system:kube-scheduler" }]),
    clusterRoleBinding("system:kube-controller-manager", "system:kube-controller-manager", [{ kind: "User", name: "system:kube-controller-manager" }]),
    clusterRoleBinding("system:node", "system:node", [{ kind: "Group", name: "system:nodes" }]),
    clusterRoleBinding("system:node-bootstrapper", "system:node-bootstrapper", [{ kind: "Group", name: "system:bootstrappers" }]),
  ];
}

/**
 * Kubernetes' reconciliation of a default object that already exists: while
 * it keeps autoupdate=true, missing default rules (or subjects) are added
 * back and the aggregationRule restored; what an admin added stays. Returns
 * the object to write, or undefined when nothing is to be done.
 */
export function reconcileDefault(existing: KObject, wanted: KObject): KObject | undefined {
  if (existing.metadata.annotations?.["rbac.authorization.kubernetes.io/autoupdate"] !== "true") return undefined;
  const next = structuredClone(existing);
  let changed = false;
  const addMissing = (field: "rules" | "subjects") => {
    const have = (next[field] as unknown[] | undefined) ?? [];
    for (const w of (wanted[field] as unknown[] | undefined) ?? []) {
      if (!have.some((h) => JSON.stringify(h) === JSON.stringify(w))) {
        have.push(w);
        changed = true;
      }
    }
    next[field] = have;
  };
  if (wanted.kind === "ClusterRoleBinding") addMissing("subjects");
  else if (wanted.aggregationRule) {
    if (JSON.stringify(next.aggregationRule) !== JSON.stringify(wanted.aggregationRule)) {
      next.aggregationRule = wanted.aggregationRule;
      changed = true;
    }
  } else addMissing("rules");
  for (const [k, v] of Object.entries(wanted.metadata.labels ?? {})) {
    if (next.metadata.labels?.[k] !== v) {
      next.metadata.labels = { ...next.metadata.labels, [k]: v };
      changed = true;
    }
  }
  return changed ? next : undefined;
}
