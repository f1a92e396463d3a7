/**
 * Test fixtures: a hand-made slice of Kubernetes' OpenAPI v3 component
 * schemas (Deployment → PodTemplateSpec → PodSpec → Container, ObjectMeta,
 * conditions), written in the published format with the x-kubernetes-*
 * extensions the real definitions carry. Used by this directory's tests only.
 */
import { typeRefOf, type TypeRef } from "./schema-walk.js";

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const field = (name: string, extra: Record<string, unknown> = {}) => ({ allOf: [ref(name)], ...extra });
const str = { type: "string" };
const int = { type: "integer", format: "int32" };
const bool = { type: "boolean" };
const stringMap = { type: "object", additionalProperties: str };
const mapList = (item: string, key: string, keys = [key]) => ({
  type: "array",
  items: field(item, { default: {} }),
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": keys,
  "x-kubernetes-patch-merge-key": key,
  "x-kubernetes-patch-strategy": "merge",
});

const P = "io.k8s.api.core.v1.";
const A = "io.k8s.api.apps.v1.";
const M = "io.k8s.apimachinery.pkg.apis.meta.v1.";

export const defs: Record<string, Record<string, unknown>> = {
  [`${A}Deployment`]: {
    type: "object",
    properties: {
      apiVersion: str,
      kind: str,
      metadata: field(`${M}ObjectMeta`, { default: {} }),
      spec: field(`${A}DeploymentSpec`, { default: {} }),
      status: field(`${A}DeploymentStatus`, { default: {} }),
    },
  },
  [`${A}DeploymentSpec`]: {
    type: "object",
    required: ["selector", "template"],
    properties: {
      replicas: int,
      selector: field(`${M}LabelSelector`),
      template: field(`${P}PodTemplateSpec`, { default: {} }),
      strategy: field(`${A}DeploymentStrategy`, { default: {}, "x-kubernetes-patch-strategy": "retainKeys" }),
      minReadySeconds: int,
      paused: bool,
    },
  },
  [`${A}DeploymentStrategy`]: {
    type: "object",
    properties: { type: str, rollingUpdate: field(`${A}RollingUpdateDeployment`) },
  },
  [`${A}RollingUpdateDeployment`]: {
    type: "object",
    properties: { maxSurge: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString"), maxUnavailable: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString") },
  },
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { type: "string", format: "int-or-string" },
  [`${A}DeploymentStatus`]: {
    type: "object",
    properties: {
      replicas: int,
      readyReplicas: int,
      observedGeneration: { type: "integer", format: "int64" },
      conditions: mapList(`${A}DeploymentCondition`, "type"),
    },
  },
  [`${A}DeploymentCondition`]: {
    type: "object",
    required: ["type", "status"],
    properties: { type: str, status: str, reason: str, message: str, lastUpdateTime: { type: "string", format: "date-time" } },
  },
  [`${M}LabelSelector`]: {
    type: "object",
    properties: {
      matchLabels: stringMap,
      matchExpressions: { type: "array", items: field(`${M}LabelSelectorRequirement`, { default: {} }), "x-kubernetes-list-type": "atomic" },
    },
    "x-kubernetes-map-type": "atomic",
  },
  [`${M}LabelSelectorRequirement`]: {
    type: "object",
    properties: { key: str, operator: str, values: { type: "array", items: str, "x-kubernetes-list-type": "atomic" } },
  },
  [`${M}ObjectMeta`]: {
    type: "object",
    properties: {
      name: str,
      generateName: str,
      namespace: str,
      uid: str,
      resourceVersion: str,
      generation: { type: "integer", format: "int64" },
      creationTimestamp: { type: "string", format: "date-time" },
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: "array", items: { type: "string", default: "" }, "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
      ownerReferences: mapList(`${M}OwnerReference`, "uid", ["uid"]),
      managedFields: { type: "array", items: field(`${M}ManagedFieldsEntry`, { default: {} }), "x-kubernetes-list-type": "atomic" },
    },
  },
  [`${M}OwnerReference`]: {
    type: "object",
    properties: { apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool },
    "x-kubernetes-map-type": "atomic",
  },
  [`${M}ManagedFieldsEntry`]: {
    type: "object",
    properties: { manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: { type: "object" }, subresource: str },
  },
  [`${P}PodTemplateSpec`]: {
    type: "object",
    properties: { metadata: field(`${M}ObjectMeta`, { default: {} }), spec: field(`${P}PodSpec`, { default: {} }) },
  },
  [`${P}PodSpec`]: {
    type: "object",
    required: ["containers"],
    properties: {
      containers: mapList(`${P}Container`, "name"),
      initContainers: mapList(`${P}Container`, "name"),
      volumes: { ...mapList(`${P}Volume`, "name"), "x-kubernetes-patch-strategy": "merge,retainKeys" },
      restartPolicy: str,
      nodeSelector: { ...stringMap, "x-kubernetes-map-type": "atomic" },
      tolerations: { type: "array", items: field(`${P}Toleration`, { default: {} }), "x-kubernetes-list-type": "atomic" },
      hostname: str,
    },
  },
  [`${P}Toleration`]: { type: "object", properties: { key: str, operator: str, value: str, effect: str } },
  [`${P}Container`]: {
    type: "object",
    required: ["name"],
    properties: {
      name: str,
      image: str,
      command: { type: "array", items: { type: "string", default: "" }, "x-kubernetes-list-type": "atomic" },
      args: { type: "array", items: { type: "string", default: "" }, "x-kubernetes-list-type": "atomic" },
      env: mapList(`${P}EnvVar`, "name"),
      ports: mapList(`${P}ContainerPort`, "containerPort", ["containerPort", "protocol"]),
      volumeMounts: mapList(`${P}VolumeMount`, "mountPath"),
      resources: field(`${P}ResourceRequirements`, { default: {} }),
      terminationMessagePath: str,
      imagePullPolicy: str,
    },
  },
  [`${P}ResourceRequirements`]: {
    type: "object",
    properties: {
      limits: { type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") },
      requests: { type: "object", additionalProperties: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") },
    },
  },
  "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
  [`${P}EnvVar`]: {
    type: "object",
    required: ["name"],
    properties: { name: str, value: str, valueFrom: field(`${P}EnvVarSource`) },
  },
  [`${P}EnvVarSource`]: { type: "object", properties: { fieldRef: { type: "object", properties: { fieldPath: str } } } },
  [`${P}ContainerPort`]: {
    type: "object",
    required: ["containerPort"],
    properties: { name: str, containerPort: int, protocol: { type: "string", default: "TCP" }, hostPort: int },
  },
  [`${P}VolumeMount`]: {
    type: "object",
    required: ["name", "mountPath"],
    properties: { name: str, mountPath: str, readOnly: bool },
  },
  [`${P}Volume`]: {
    type: "object",
    required: ["name"],
    properties: {
      name: str,
      emptyDir: field(`${P}EmptyDirVolumeSource`),
      configMap: field(`${P}ConfigMapVolumeSource`),
    },
  },
  [`${P}EmptyDirVolumeSource`]: { type: "object", properties: { medium: str, sizeLimit: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") } },
  [`${P}ConfigMapVolumeSource`]: { type: "object", properties: { name: str, optional: bool } },
};

export const deploymentType: TypeRef = typeRefOf(defs, `${A}Deployment`);

/** A Deployment as kubectl would apply it. */
export function deployment(overrides: { replicas?: number; image?: string; labels?: Record<string, string> } = {}) {
  const labels = overrides.labels ?? { app: "nginx" };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "nginx", namespace: "default", labels },
    spec: {
      replicas: overrides.replicas ?? 3,
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: { containers: [{ name: "nginx", image: overrides.image ?? "nginx:1.25" }] },
      },
    },
  };
}
