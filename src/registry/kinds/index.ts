/**
 * Every kind the API serves. Adding a kind: write its file beside these
 * (group/kind.ts) and list it here; routes, discovery, OpenAPI, validation,
 * storage and tables follow from the declaration.
 */
import type { KindDef } from "../types.js";
import { namespace } from "./core/namespace.js";
import { pod } from "./core/pod.js";
import { service } from "./core/service.js";
import { endpoints } from "./core/endpoints.js";
import { configMap } from "./core/configmap.js";
import { secret } from "./core/secret.js";
import { serviceAccount } from "./core/serviceaccount.js";
import { node } from "./core/node.js";
import { event } from "./core/event.js";
import { eventsV1Event } from "./events/event.js";
import { persistentVolume } from "./core/persistentvolume.js";
import { persistentVolumeClaim } from "./core/persistentvolumeclaim.js";
import { componentStatus } from "./core/componentstatus.js";
import { limitRange } from "./core/limitrange.js";
import { resourceQuota } from "./core/resourcequota.js";
import { replicationController } from "./core/replicationcontroller.js";
import { podTemplate } from "./core/podtemplate.js";
import { runtimeClass } from "./node/runtimeclass.js";
import { deployment } from "./apps/deployment.js";
import { replicaSet } from "./apps/replicaset.js";
import { statefulSet } from "./apps/statefulset.js";
import { daemonSet } from "./apps/daemonset.js";
import { controllerRevision } from "./apps/controllerrevision.js";
import { job } from "./batch/job.js";
import { cronJob } from "./batch/cronjob.js";
import { lease } from "./coordination/lease.js";
import { endpointSlice } from "./discovery/endpointslice.js";
import { horizontalPodAutoscaler } from "./autoscaling/horizontalpodautoscaler.js";
import { horizontalPodAutoscalerV1 } from "./autoscaling/horizontalpodautoscaler-v1.js";
import { podMetrics } from "./metrics/podmetrics.js";
import { nodeMetrics } from "./metrics/nodemetrics.js";
import { role } from "./rbac/role.js";
import { clusterRole } from "./rbac/clusterrole.js";
import { roleBinding } from "./rbac/rolebinding.js";
import { clusterRoleBinding } from "./rbac/clusterrolebinding.js";
import { selfSubjectAccessReview } from "./authorization/selfsubjectaccessreview.js";
import { selfSubjectRulesReview } from "./authorization/selfsubjectrulesreview.js";
import { subjectAccessReview } from "./authorization/subjectaccessreview.js";
import { localSubjectAccessReview } from "./authorization/localsubjectaccessreview.js";
import { selfSubjectReview, tokenReview } from "./authentication/reviews.js";
import { ingress } from "./networking/ingress.js";
import { ingressClass } from "./networking/ingressclass.js";
import { networkPolicy } from "./networking/networkpolicy.js";
import { podDisruptionBudget } from "./policy/poddisruptionbudget.js";
import { priorityClass } from "./scheduling/priorityclass.js";
import { storageClass } from "./storage/storageclass.js";
import { csiDriver, csiNode, csiStorageCapacity, volumeAttachment } from "./storage/csi.js";
import { certificateSigningRequest } from "./certificates/certificatesigningrequest.js";
import { flowSchema, priorityLevelConfiguration } from "./flowcontrol/flowcontrol.js";
import { customResourceDefinition } from "./apiextensions/customresourcedefinition.js";
import { mutatingWebhookConfiguration, validatingWebhookConfiguration } from "./admissionregistration/webhookconfiguration.js";
import { validatingAdmissionPolicy, validatingAdmissionPolicyBinding } from "./admissionregistration/validatingadmissionpolicy.js";
import { apiService } from "./apiregistration/apiservice.js";

export const kinds: KindDef[] = [
  namespace,
  pod,
  service,
  endpoints,
  configMap,
  secret,
  serviceAccount,
  node,
  event,
  persistentVolume,
  persistentVolumeClaim,
  componentStatus,
  limitRange,
  resourceQuota,
  replicationController,
  podTemplate,
  deployment,
  replicaSet,
  statefulSet,
  daemonSet,
  controllerRevision,
  job,
  cronJob,
  lease,
  endpointSlice,
  horizontalPodAutoscaler,
  horizontalPodAutoscalerV1,
  eventsV1Event,
  podMetrics,
  nodeMetrics,
  role,
  clusterRole,
  roleBinding,
  clusterRoleBinding,
  selfSubjectAccessReview,
  selfSubjectRulesReview,
  subjectAccessReview,
  localSubjectAccessReview,
  selfSubjectReview,
  tokenReview,
  ingress,
  ingressClass,
  networkPolicy,
  podDisruptionBudget,
  priorityClass,
  storageClass,
  csiDriver,
  csiNode,
  volumeAttachment,
  csiStorageCapacity,
  certificateSigningRequest,
  flowSchema,
  priorityLevelConfiguration,
  customResourceDefinition,
  validatingWebhookConfiguration,
  validatingAdmissionPolicy,
  validatingAdmissionPolicyBinding,
  apiService,
  mutatingWebhookConfiguration,
  runtimeClass,
];
