/** core/v1 Pod: the unit the scheduler places and a node agent runs. */
import { definitions } from "../../../schemas/generated/index.js";
import { ApiError, errors, fieldErrors, invalidError, type FieldError } from "../../../apimachinery/status.js";
import { deepEqual } from "../../../apimachinery/objects.js";
import { ageColumn, nameColumn } from "../../columns.js";
import { defaultPodSpec } from "../../defaults/pod-spec.js";
import type { KindDef, KObject } from "../../types.js";
import { PDB, evict } from "../policy/poddisruptionbudget.js";

type ContainerState = { waiting?: { reason?: string }; running?: object; terminated?: { reason?: string; exitCode?: number; signal?: number } };
type ContainerStatus = { name: string; ready?: boolean; restartCount?: number; state?: ContainerState };
type PodStatus = {
  phase?: string;
  reason?: string;
  podIP?: string;
  nominatedNodeName?: string;
  conditions?: { type: string; status: string }[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
};
type EphemeralContainer = { name: string; image?: string; targetContainerName?: string } & Record<string, unknown>;
type PodSpec = { nodeName?: string; containers?: { name: string }[]; initContainers?: { name: string }[]; ephemeralContainers?: EphemeralContainer[]; readinessGates?: { conditionType: string }[] };

/** Container fields an ephemeral container may not set (it gets no guarantees: no ports, probes, hooks or resources). */
const NOT_FOR_EPHEMERAL = ["ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle", "resources", "resizePolicy", "restartPolicy"];

/** A field Go would see as set: not null, not an empty object or list (kubectl debug sends `resources: {}`). */
const isSet = (v: unknown) => v !== undefined && v !== null && !(typeof v === "object" && Object.keys(v).length === 0);

/** validateEphemeralContainers: names unique among all the pod's containers, a target that exists, none of the fields above. */
function validateEphemeral(spec: PodSpec): FieldError[] {
  const errs: FieldError[] = [];
  const regular = new Set([...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name));
  const seen = new Set<string>();
  (spec.ephemeralContainers ?? []).forEach((c, i) => {
    const at = `spec.ephemeralContainers[${i}]`;
    if (regular.has(c.name) || seen.has(c.name)) errs.push(fieldErrors.duplicate(`${at}.name`, c.name));
    seen.add(c.name);
    if (!c.image) errs.push(fieldErrors.required(`${at}.image`));
    for (const f of NOT_FOR_EPHEMERAL) if (isSet(c[f])) errs.push(fieldErrors.forbidden(`${at}.${f}`, "cannot be set for an Ephemeral Container"));
    if (c.targetContainerName !== undefined && !regular.has(c.targetContainerName)) errs.push(fieldErrors.notFound(`${at}.targetContainerName`, c.targetContainerName));
  });
  return errs;
}

/** Ephemeral containers are only ever added: those already there may not be removed or changed. */
function validateEphemeralUpdate(spec: PodSpec, old: PodSpec): FieldError[] {
  const now = new Map((spec.ephemeralContainers ?? []).map((c) => [c.name, c]));
  const errs: FieldError[] = [];
  for (const c of old.ephemeralContainers ?? []) {
    const next = now.get(c.name);
    if (!next) errs.push(fieldErrors.forbidden("spec.ephemeralContainers", `existing ephemeral containers ${JSON.stringify(c.name)} may not be removed`));
    else if (!deepEqual(next, c)) errs.push(fieldErrors.forbidden("spec.ephemeralContainers", `existing ephemeral containers ${JSON.stringify(c.name)} may not be changed`));
  }
  return errs;
}

const statusOf = (o: KObject) => (o.status ?? {}) as PodStatus;
const specOf = (o: KObject) => (o.spec ?? {}) as PodSpec;

/** The STATUS column, computed the way kubectl's printPod does. */
export function podStatusReason(o: KObject): string {
  const st = statusOf(o);
  let reason = st.reason || st.phase || "Unknown";
  let initializing = false;
  const inits = st.initContainerStatuses ?? [];
  for (let i = 0; i < inits.length; i++) {
    const s = inits[i].state ?? {};
    if (s.terminated && s.terminated.exitCode === 0) continue;
    if (s.terminated) {
      reason = s.terminated.reason ? `Init:${s.terminated.reason}` : s.terminated.signal ? `Init:Signal:${s.terminated.signal}` : `Init:ExitCode:${s.terminated.exitCode}`;
    } else if (s.waiting?.reason && s.waiting.reason !== "PodInitializing") {
      reason = `Init:${s.waiting.reason}`;
    } else {
      reason = `Init:${i}/${(specOf(o).initContainers ?? []).length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const s = cs[i].state ?? {};
      if (s.waiting?.reason) reason = s.waiting.reason;
      else if (s.terminated?.reason) reason = s.terminated.reason;
      else if (s.terminated) reason = s.terminated.signal ? `Signal:${s.terminated.signal}` : `ExitCode:${s.terminated.exitCode}`;
      else if (s.running && cs[i].ready) hasRunning = true;
    }
    if (reason === "Completed" && hasRunning) {
      const ready = st.conditions?.some((c) => c.type === "Ready" && c.status === "True");
      reason = ready ? "Running" : "NotReady";
    }
  }
  if (o.metadata.deletionTimestamp) reason = st.reason === "NodeLost" ? "Unknown" : "Terminating";
  return reason;
}

const IMMUTABLE_SPEC_MESSAGE =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/**
 * Spec fields a pod update may change (nodeName: binding sets it once, and the binding subresource guards it;
 * ephemeralContainers: only its subresource changes them, main writes keep them).
 */
const MUTABLE_SPEC = new Set(["activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds", "nodeName", "containers", "initContainers", "ephemeralContainers"]);
const IMAGE = new Set(["image"]);

/** Container lists equal but for their images (compared in place: this runs on every pod write). */
function sameButImages(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return deepEqual(a, b);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i], IMAGE)) return false;
  return true;
}

/** Whether two specs differ only in the fields a pod update may change. */
function sameImmutableSpec(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return deepEqual(a, b, MUTABLE_SPEC) && sameButImages(a.containers, b.containers) && sameButImages(a.initContainers, b.initContainers);
}

export const pod: KindDef = {
  group: "",
  version: "v1",
  kind: "Pod",
  plural: "pods",
  singular: "pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  schemaName: "io.k8s.api.core.v1.Pod",
  schema: definitions["io.k8s.api.core.v1.Pod"],
  fieldSelectors: {
    "spec.nodeName": (o) => specOf(o).nodeName ?? "",
    "spec.restartPolicy": (o) => (o.spec as { restartPolicy?: string })?.restartPolicy,
    "spec.schedulerName": (o) => (o.spec as { schedulerName?: string })?.schedulerName,
    "spec.serviceAccountName": (o) => (o.spec as { serviceAccountName?: string })?.serviceAccountName,
    "spec.hostNetwork": (o) => String(!!(o.spec as { hostNetwork?: boolean })?.hostNetwork),
    "status.phase": (o) => statusOf(o).phase,
    "status.podIP": (o) => statusOf(o).podIP,
    "status.nominatedNodeName": (o) => statusOf(o).nominatedNodeName,
  },
  columns: [
    nameColumn,
    {
      name: "Ready",
      type: "string",
      description: "The aggregate readiness state of this pod for accepting traffic.",
      cell: (o) => {
        const cs = statusOf(o).containerStatuses ?? [];
        const total = (specOf(o).containers ?? []).length;
        return `${cs.filter((c) => c.ready).length}/${total}`;
      },
    },
    { name: "Status", type: "string", description: "The aggregate status of the containers in this pod.", cell: podStatusReason },
    {
      name: "Restarts",
      type: "string",
      description: "The number of times the containers in this pod have been restarted.",
      cell: (o) => String((statusOf(o).containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)),
    },
    ageColumn,
    { name: "IP", type: "string", priority: 1, description: "IP address allocated to the pod.", cell: (o) => statusOf(o).podIP || "<none>" },
    { name: "Node", type: "string", priority: 1, description: "Name of the Node this pod is assigned to.", cell: (o) => specOf(o).nodeName || "<none>" },
    { name: "Nominated Node", type: "string", priority: 1, description: "Name of the node where the pod is nominated to run.", cell: (o) => statusOf(o).nominatedNodeName || "<none>" },
    {
      name: "Readiness Gates",
      type: "string",
      priority: 1,
      description: "Readiness gates of the pod.",
      cell: (o) => {
        const gates = specOf(o).readinessGates ?? [];
        if (!gates.length) return "<none>";
        const conds = statusOf(o).conditions ?? [];
        return `${gates.filter((g) => conds.some((c) => c.type === g.conditionType && c.status === "True")).length}/${gates.length}`;
      },
    },
  ],
  strategy: {
    defaults(o) {
      const spec = o.spec as Record<string, unknown> | undefined;
      defaultPodSpec(spec);
      if (spec) spec.enableServiceLinks ??= true;
    },
    prepareForCreate(o) {
      if (specOf(o).ephemeralContainers?.length) throw invalidError("Pod", "", o.metadata.name ?? "", [fieldErrors.forbidden("spec.ephemeralContainers", "cannot be set on create")]);
      o.status = { phase: "Pending", qosClass: qosClass(o) };
    },
    validate(o): FieldError[] {
      const spec = specOf(o);
      const errs: FieldError[] = [];
      if (!spec.containers || spec.containers.length === 0) errs.push(fieldErrors.required("spec.containers"));
      const seen = new Set<string>();
      (spec.containers ?? []).forEach((c, i) => {
        if (seen.has(c.name)) errs.push(fieldErrors.duplicate(`spec.containers[${i}].name`, c.name));
        seen.add(c.name);
        if (!(c as { image?: string }).image) errs.push(fieldErrors.required(`spec.containers[${i}].image`));
      });
      errs.push(...validateEphemeral(spec));
      return errs;
    },
    validateUpdate(o, old): FieldError[] {
      const errs: FieldError[] = [];
      if (!sameImmutableSpec((o.spec ?? {}) as Record<string, unknown>, (old.spec ?? {}) as Record<string, unknown>)) errs.push(fieldErrors.forbidden("spec", IMMUTABLE_SPEC_MESSAGE));
      const oldNode = specOf(old).nodeName;
      if (oldNode && specOf(o).nodeName !== oldNode) errs.push(fieldErrors.forbidden("spec.nodeName", "field is immutable once set"));
      errs.push(...validateEphemeralUpdate(specOf(o), specOf(old)));
      return errs;
    },
    gracePeriod(o, requested) {
      // An unbound pod has nothing to stop: it goes at once. A bound one waits
      // for its node agent to stop the containers and confirm with grace 0.
      if (!specOf(o).nodeName) return 0;
      const phase = statusOf(o).phase;
      if (phase === "Succeeded" || phase === "Failed") return 0;
      return requested ?? ((o.spec as { terminationGracePeriodSeconds?: number }).terminationGracePeriodSeconds ?? 30);
    },
    pendingDeletion: (o) => (o.metadata.deletionGracePeriodSeconds ?? 0) > 0,
  },
  subresources: {
    status: true,
    // kubectl debug adds a container to a running pod through this.
    fields: { ephemeralcontainers: "spec.ephemeralContainers" },
    actions: {
      binding: {
        kind: "Binding",
        schemaName: "io.k8s.api.core.v1.Binding",
        apply(parent, body, ctx) {
          const target = (body as { target?: { name?: string; kind?: string } }).target;
          if (!target?.name) throw errors.badRequest("Binding target.name is required");
          const spec = parent.spec as { nodeName?: string };
          if (spec.nodeName) return bindingConflict(parent, spec.nodeName);
          spec.nodeName = target.name;
          const st = (parent.status ??= {}) as PodStatus;
          const conds = (st.conditions ??= []).filter((c) => c.type !== "PodScheduled");
          conds.push({ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: ctx.nowRfc3339 } as never);
          st.conditions = conds;
          return parent;
        },
      },
      eviction: {
        kind: "Eviction",
        group: "policy",
        version: "v1",
        schemaName: "io.k8s.api.policy.v1.Eviction",
        related: PDB,
        apply: (pod, _body, ctx, budgets) => evict(pod, budgets, ctx),
      },
    },
    proxied: ["log", "exec", "attach", "portforward", "proxy"],
  },
};

function bindingConflict(parent: KObject, node: string): never {
  throw new ApiError(409, "Conflict", `Operation cannot be fulfilled on pods/binding "${parent.metadata.name}": pod ${parent.metadata.name} is already assigned to node "${node}"`);
}

/** The QoS class Kubernetes reports for a pod's requests and limits. */
export function qosClass(o: KObject): string {
  const cs = ((o.spec as { containers?: { resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } }[] })?.containers) ?? [];
  let anyRequest = false;
  let guaranteed = cs.length > 0;
  for (const c of cs) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anyRequest = true;
    for (const r of ["cpu", "memory"]) {
      if (lim[r] === undefined || (req[r] !== undefined && String(req[r]) !== String(lim[r]))) guaranteed = false;
    }
  }
  if (!anyRequest) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
