/**
 * metrics.k8s.io/v1beta1 (the resource metrics API behind `kubectl top` and
 * the HPA), written by hand: kubernetes-types does not carry it. Node agents
 * report these objects; the API serves them like any other kind.
 */
import { type Schema, arr, map, obj, opt, ref, req, str } from "../dsl.js";
import * as meta from "../generated/meta-v1.js";
import * as resource from "../generated/api-resource.js";

const quantity: Schema = ref(() => resource.Quantity);
const usage = map(quantity);

/** io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics */
export const ContainerMetrics: Schema = obj(
  {
    name: req(str, "Container name corresponding to the one from pod.spec.containers."),
    usage: req(usage, "The memory and cpu usage of the container."),
  },
  "ContainerMetrics sets resource usage metrics of a container.",
);

const common = {
  apiVersion: opt(str, "APIVersion defines the versioned schema of this representation of an object."),
  kind: opt(str, "Kind is a string value representing the REST resource this object represents."),
  metadata: opt(ref(() => meta.ObjectMeta), "Standard object's metadata."),
  timestamp: req(str, "The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp]."),
  window: req(str, "The length of the window over which the usage was measured, as a duration (\"10s\")."),
};

/** io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics */
export const PodMetrics: Schema = obj(
  { ...common, containers: req(arr(ref(() => ContainerMetrics)), "Metrics for all containers are collected within the same time window.") },
  "PodMetrics sets resource usage metrics of a pod.",
);

/** io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics */
export const NodeMetrics: Schema = obj({ ...common, usage: req(usage, "The memory usage is the memory working set.") }, "NodeMetrics sets resource usage metrics of a node.");

const list = (item: Schema, what: string): Schema =>
  obj(
    {
      apiVersion: opt(str, "APIVersion defines the versioned schema of this representation of an object."),
      items: req(arr(item), `List of ${what} metrics.`),
      kind: opt(str, "Kind is a string value representing the REST resource this object represents."),
      metadata: opt(ref(() => meta.ListMeta), "Standard list metadata."),
    },
    `${what === "pod" ? "PodMetricsList" : "NodeMetricsList"} is a list of ${what} metrics.`,
  );

export const metricsDefinitions: Record<string, Schema> = {
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.ContainerMetrics": ContainerMetrics,
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics": PodMetrics,
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetricsList": list(ref(() => PodMetrics), "pod"),
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics": NodeMetrics,
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetricsList": list(ref(() => NodeMetrics), "node"),
};

export const metricsGVKs: Record<string, { group: string; version: string; kind: string }[]> = {
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics": [{ group: "metrics.k8s.io", version: "v1beta1", kind: "PodMetrics" }],
  "io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics": [{ group: "metrics.k8s.io", version: "v1beta1", kind: "NodeMetrics" }],
};
