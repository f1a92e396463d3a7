/**
 * apiregistration.k8s.io/v1 (the aggregation layer's APIService), written by
 * hand: kubernetes-types does not carry kube-aggregator's types.
 */
import { type Schema, arr, bool, int32, obj, opt, ref, req, str } from "../dsl.js";
import * as meta from "../generated/meta-v1.js";

const P = "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1";

/** ServiceReference */
export const ServiceReference: Schema = obj(
  {
    name: opt(str, "Name is the name of the service"),
    namespace: opt(str, "Namespace is the namespace of the service"),
    port: opt(int32, "If specified, the port on the service that hosting webhook. Default to 443 for backward compatibility. `port` should be a valid port number (1-65535, inclusive)."),
  },
  "ServiceReference holds a reference to Service.legacy.k8s.io",
);

/** APIServiceSpec */
export const APIServiceSpec: Schema = obj(
  {
    caBundle: opt(str, "CABundle is a PEM encoded CA bundle which will be used to validate an API server's serving certificate. If unspecified, system trust roots on the apiserver are used."),
    group: opt(str, "Group is the API group name this server hosts"),
    groupPriorityMinimum: req(int32, "GroupPriorityMinimum is the priority this group should have at least. Higher priority means that the group is preferred by clients over lower priority ones."),
    insecureSkipTLSVerify: opt(bool, "InsecureSkipTLSVerify disables TLS certificate verification when communicating with this server. This is strongly discouraged.  You should use the CABundle instead."),
    service: opt(ref(() => ServiceReference), "Service is a reference to the service for this API server.  It must communicate on port 443. If the Service is nil, that means the handling for the API groupversion is handled locally on this server."),
    version: opt(str, "Version is the API version this server hosts.  For example, \"v1\""),
    versionPriority: req(int32, "VersionPriority controls the ordering of this API version inside of its group.  Must be greater than zero."),
  },
  "APIServiceSpec contains information for locating and communicating with a server. Only https is supported, though you are able to disable certificate verification.",
);

/** APIServiceCondition */
export const APIServiceCondition: Schema = obj(
  {
    lastTransitionTime: opt(str, "Last time the condition transitioned from one status to another."),
    message: opt(str, "Human-readable message indicating details about last transition."),
    reason: opt(str, "Unique, one-word, CamelCase reason for the condition's last transition."),
    status: req(str, "Status is the status of the condition. Can be True, False, Unknown."),
    type: req(str, "Type is the type of the condition."),
  },
  "APIServiceCondition describes the state of an APIService at a particular point",
);

/** APIServiceStatus */
export const APIServiceStatus: Schema = obj({ conditions: opt(arr(ref(() => APIServiceCondition)), "Current service state of apiService.") }, "APIServiceStatus contains derived information about an API server");

/** APIService */
export const APIService: Schema = obj(
  {
    apiVersion: opt(str, "APIVersion defines the versioned schema of this representation of an object."),
    kind: opt(str, "Kind is a string value representing the REST resource this object represents."),
    metadata: opt(ref(() => meta.ObjectMeta), "Standard object's metadata."),
    spec: opt(ref(() => APIServiceSpec), "Spec contains information for locating and communicating with a server"),
    status: opt(ref(() => APIServiceStatus), "Status contains derived information about an API server"),
  },
  "APIService represents a server for a particular GroupVersion. Name must be \"version.group\".",
);

export const apiregistrationDefinitions: Record<string, Schema> = {
  [`${P}.APIService`]: APIService,
  [`${P}.APIServiceCondition`]: APIServiceCondition,
  [`${P}.APIServiceList`]: obj(
    {
      apiVersion: opt(str, "APIVersion defines the versioned schema of this representation of an object."),
      items: req(arr(ref(() => APIService)), "Items is the list of APIService"),
      kind: opt(str, "Kind is a string value representing the REST resource this object represents."),
      metadata: opt(ref(() => meta.ListMeta), "Standard list metadata."),
    },
    "APIServiceList is a list of APIService objects.",
  ),
  [`${P}.APIServiceSpec`]: APIServiceSpec,
  [`${P}.APIServiceStatus`]: APIServiceStatus,
  [`${P}.ServiceReference`]: ServiceReference,
};

export const apiregistrationGVKs: Record<string, { group: string; version: string; kind: string }[]> = {
  [`${P}.APIService`]: [{ group: "apiregistration.k8s.io", version: "v1", kind: "APIService" }],
  [`${P}.APIServiceList`]: [{ group: "apiregistration.k8s.io", version: "v1", kind: "APIServiceList" }],
};
