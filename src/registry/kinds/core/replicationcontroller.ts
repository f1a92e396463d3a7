/**
 * core/v1 ReplicationController: the original "keep N pods running" object
 * (the replication controller the architecture articles describe). Its
 * selector is a plain label map, defaulted from the template's labels, and
 * unlike a ReplicaSet's it may change; the ReplicaSet controller's logic
 * runs it (controllers/replicaset).
 */
import { definitions } from "../../../schemas/generated/index.js";
import { fieldErrors, type FieldError } from "../../../apimachinery/status.js";
import { selectorMatchesTemplate } from "../apps/selector-rules.js";
import { ageColumn, nameColumn, replicasColumns, workloadWideColumns } from "../../columns.js";
import { defaultPodTemplate } from "../../defaults/pod-spec.js";
import type { KindDef, KObject } from "../../types.js";

type Spec = { replicas?: number; selector?: Record<string, string>; template?: { metadata?: { labels?: Record<string, string> }; spec?: Record<string, unknown> } };
const spec = (o: KObject) => (o.spec ?? {}) as Spec;

export const replicationController: KindDef = {
  group: "",
  version: "v1",
  kind: "ReplicationController",
  plural: "replicationcontrollers",
  singular: "replicationcontroller",
  namespaced: true,
  shortNames: ["rc"],
  categories: ["all"],
  schemaName: "io.k8s.api.core.v1.ReplicationController",
  schema: definitions["io.k8s.api.core.v1.ReplicationController"],
  tracksGeneration: true,
  columns: [
    nameColumn,
    ...replicasColumns,
    ageColumn,
    ...workloadWideColumns(),
  ],
  strategy: {
    // SetDefaults_ReplicationController: selector and labels from the template's labels.
    defaults(o) {
      const s = spec(o);
      o.spec = s;
      const labels = s.template?.metadata?.labels;
      if (labels && !Object.keys(s.selector ?? {}).length) s.selector = { ...labels };
      if (labels && !Object.keys(o.metadata.labels ?? {}).length) o.metadata.labels = { ...labels };
      s.replicas ??= 1;
      if (s.template) defaultPodTemplate(s.template);
    },
    validate(o) {
      const s = spec(o);
      const errs: FieldError[] = [];
      if (!Object.keys(s.selector ?? {}).length) errs.push(fieldErrors.required("spec.selector"));
      if (!s.template) errs.push(fieldErrors.required("spec.template"));
      else if (s.selector) errs.push(...selectorMatchesTemplate(o));
      return errs;
    },
  },
  subresources: { status: true, scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas" } },
};
