/**
 * Kubernetes' patch and list/map metadata for the built-in types Edgeplane
 * serves: what the Go struct tags (patchStrategy, patchMergeKey) and markers
 * (+listType, +listMapKey, +mapType, +structType) of k8s.io/api and
 * k8s.io/apimachinery release-1.30 declare, as the x-kubernetes-* OpenAPI
 * extensions Kubernetes publishes. kubernetes-types does not carry them, so
 * this table is maintained by hand: strategic merge patch and server-side
 * apply read it (directly or through src/schemas/openapi.ts), and a test checks
 * that every key names an existing generated definition and field.
 *
 * Keys are "<OpenAPI definition name>.<json field name>". Fields that are not
 * listed are granular (maps and structs) or atomic-by-replacement lists with
 * no merge key, exactly like a field without tags in Kubernetes.
 */

export interface FieldExtensions {
  /** atomic: replaced as a whole; set: scalar set; map: keyed by x-kubernetes-list-map-keys. */
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  /** On maps and structs: atomic (replaced as a whole) or granular (the default). */
  "x-kubernetes-map-type"?: "atomic" | "granular";
  /** Strategic merge patch strategy: "merge", "retainKeys", "merge,retainKeys" or "replace". */
  "x-kubernetes-patch-strategy"?: string;
  /** Strategic merge patch: the key identifying items of a merged list. */
  "x-kubernetes-patch-merge-key"?: string;
  /**
   * A `+default` marker Kubernetes publishes in its OpenAPI. Only the ones on
   * list-map key fields are listed: server-side apply keys an item that omits
   * the field by its default (`ports: [{containerPort: 80}]` is the item
   * `k:{"containerPort":80,"protocol":"TCP"}`), else a second apply would add
   * the port again next to the defaulted one.
   */
  default?: string;
}

export interface TypeExtensions {
  /** "+structType=atomic" on the Go struct: the object is replaced as a whole. */
  "x-kubernetes-map-type"?: "atomic" | "granular";
}

/** Field-level extensions, keyed "<definition>.<field>". */
export const patchExtensions: Readonly<Record<string, FieldExtensions>> = {
  "io.k8s.api.core.v1.ContainerPort.protocol": { default: "TCP" },
  "io.k8s.api.storage.v1.CSIDriverSpec.tokenRequests": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.storage.v1.CSIDriverSpec.volumeLifecycleModes": { "x-kubernetes-list-type": "set" },
  "io.k8s.api.storage.v1.CSINodeSpec.drivers": { "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.ServicePort.protocol": { default: "TCP" },
  "io.k8s.api.node.v1.Scheduling.tolerations": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration.webhooks": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration.webhooks": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.admissionregistration.v1.MutatingWebhook.admissionReviewVersions": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.MutatingWebhook.matchConditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.admissionregistration.v1.MutatingWebhook.rules": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.ValidatingWebhook.admissionReviewVersions": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.ValidatingWebhook.matchConditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.admissionregistration.v1.ValidatingWebhook.rules": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.RuleWithOperations.apiGroups": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.RuleWithOperations.apiVersions": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.RuleWithOperations.operations": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.admissionregistration.v1.RuleWithOperations.resources": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.apps.v1.DaemonSetStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.apps.v1.DeploymentSpec.strategy": { "x-kubernetes-patch-strategy": "retainKeys" },

  "io.k8s.api.apps.v1.DeploymentStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.apps.v1.ReplicaSetStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.apps.v1.StatefulSetSpec.volumeClaimTemplates": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.apps.v1.StatefulSetStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.authentication.v1.TokenRequestSpec.audiences": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authentication.v1.TokenReviewSpec.audiences": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authentication.v1.TokenReviewStatus.audiences": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authentication.v1.UserInfo.groups": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authorization.v1.NonResourceRule.nonResourceURLs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.authorization.v1.NonResourceRule.verbs": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authorization.v1.ResourceRule.apiGroups": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.authorization.v1.ResourceRule.resourceNames": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.authorization.v1.ResourceRule.resources": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.authorization.v1.ResourceRule.verbs": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authorization.v1.SubjectAccessReviewSpec.groups": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.authorization.v1.SubjectRulesReviewStatus.nonResourceRules": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.authorization.v1.SubjectRulesReviewStatus.resourceRules": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.autoscaling.v2.HPAScalingRules.policies": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec.metrics": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus.currentMetrics": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.batch.v1.CronJobStatus.active": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.batch.v1.JobStatus.conditions": { "x-kubernetes-list-type": "atomic", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.batch.v1.PodFailurePolicy.rules": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement.values": { "x-kubernetes-list-type": "set" },

  "io.k8s.api.batch.v1.PodFailurePolicyRule.onPodConditions": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.batch.v1.SuccessPolicy.rules": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.batch.v1.UncountedTerminatedPods.failed": { "x-kubernetes-list-type": "set" },
  "io.k8s.api.batch.v1.UncountedTerminatedPods.succeeded": { "x-kubernetes-list-type": "set" },

  "io.k8s.api.core.v1.Capabilities.add": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.Capabilities.drop": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.CephFSPersistentVolumeSource.monitors": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.CephFSVolumeSource.monitors": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ComponentStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.core.v1.ConfigMapProjection.items": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ConfigMapVolumeSource.items": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.Container.args": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.Container.command": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.Container.env": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.Container.envFrom": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.Container.ports": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "containerPort" },
  "io.k8s.api.core.v1.Container.resizePolicy": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.Container.volumeDevices": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["devicePath"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "devicePath" },
  "io.k8s.api.core.v1.Container.volumeMounts": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["mountPath"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "mountPath" },

  "io.k8s.api.core.v1.ContainerImage.names": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ContainerStatus.volumeMounts": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["mountPath"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "mountPath" },

  "io.k8s.api.core.v1.DownwardAPIProjection.items": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.DownwardAPIVolumeSource.items": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.EndpointSubset.addresses": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.EndpointSubset.notReadyAddresses": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.EndpointSubset.ports": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.Endpoints.subsets": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.EphemeralContainer.args": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.EphemeralContainer.command": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.EphemeralContainer.env": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.EphemeralContainer.envFrom": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.EphemeralContainer.ports": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["containerPort", "protocol"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "containerPort" },
  "io.k8s.api.core.v1.EphemeralContainer.resizePolicy": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.EphemeralContainer.volumeDevices": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["devicePath"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "devicePath" },
  "io.k8s.api.core.v1.EphemeralContainer.volumeMounts": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["mountPath"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "mountPath" },

  "io.k8s.api.core.v1.ExecAction.command": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.FCVolumeSource.targetWWNs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.FCVolumeSource.wwids": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.HTTPGetAction.httpHeaders": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.HostAlias.hostnames": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ISCSIPersistentVolumeSource.portals": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ISCSIVolumeSource.portals": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.LimitRangeSpec.limits": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.LoadBalancerIngress.ports": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.LoadBalancerStatus.ingress": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NamespaceSpec.finalizers": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NamespaceStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.core.v1.NodeAffinity.preferredDuringSchedulingIgnoredDuringExecution": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NodeSelector.nodeSelectorTerms": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NodeSelectorRequirement.values": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NodeSelectorTerm.matchExpressions": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.NodeSelectorTerm.matchFields": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NodeSpec.podCIDRs": { "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
  "io.k8s.api.core.v1.NodeSpec.taints": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.NodeStatus.addresses": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },
  "io.k8s.api.core.v1.NodeStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },
  "io.k8s.api.core.v1.NodeStatus.images": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.NodeStatus.runtimeHandlers": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.NodeStatus.volumesAttached": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.NodeStatus.volumesInUse": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PersistentVolumeClaimSpec.accessModes": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PersistentVolumeClaimStatus.accessModes": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PersistentVolumeClaimStatus.allocatedResourceStatuses": { "x-kubernetes-map-type": "granular" },
  "io.k8s.api.core.v1.PersistentVolumeClaimStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.core.v1.PersistentVolumeSpec.accessModes": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PersistentVolumeSpec.mountOptions": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PodAffinity.preferredDuringSchedulingIgnoredDuringExecution": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodAffinity.requiredDuringSchedulingIgnoredDuringExecution": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PodAffinityTerm.matchLabelKeys": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodAffinityTerm.mismatchLabelKeys": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodAffinityTerm.namespaces": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PodAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PodDNSConfig.nameservers": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodDNSConfig.options": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodDNSConfig.searches": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PodSecurityContext.supplementalGroups": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodSecurityContext.sysctls": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.PodSpec.containers": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.PodSpec.ephemeralContainers": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.PodSpec.hostAliases": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["ip"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "ip" },
  "io.k8s.api.core.v1.PodSpec.imagePullSecrets": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.PodSpec.initContainers": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.PodSpec.nodeSelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.PodSpec.readinessGates": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodSpec.resourceClaims": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge,retainKeys", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.PodSpec.schedulingGates": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },
  "io.k8s.api.core.v1.PodSpec.tolerations": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodSpec.topologySpreadConstraints": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["topologyKey", "whenUnsatisfiable"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "topologyKey" },
  "io.k8s.api.core.v1.PodSpec.volumes": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge,retainKeys", "x-kubernetes-patch-merge-key": "name" },

  "io.k8s.api.core.v1.PodStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },
  "io.k8s.api.core.v1.PodStatus.containerStatuses": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodStatus.ephemeralContainerStatuses": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodStatus.hostIPs": { "x-kubernetes-list-type": "atomic", "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "ip" },
  "io.k8s.api.core.v1.PodStatus.initContainerStatuses": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.PodStatus.podIPs": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["ip"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "ip" },
  "io.k8s.api.core.v1.PodStatus.resourceClaimStatuses": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge,retainKeys", "x-kubernetes-patch-merge-key": "name" },

  "io.k8s.api.core.v1.ProjectedVolumeSource.sources": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.RBDPersistentVolumeSource.monitors": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.RBDVolumeSource.monitors": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ResourceQuotaSpec.scopes": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ResourceRequirements.claims": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"] },

  "io.k8s.api.core.v1.ScopeSelector.matchExpressions": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ScopedResourceSelectorRequirement.values": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.SecretProjection.items": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.SecretVolumeSource.items": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.core.v1.ServiceAccount.imagePullSecrets": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.ServiceAccount.secrets": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "name" },

  "io.k8s.api.core.v1.ServiceSpec.clusterIPs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.ServiceSpec.externalIPs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.ServiceSpec.ipFamilies": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.ServiceSpec.loadBalancerSourceRanges": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.core.v1.ServiceSpec.ports": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "port" },
  "io.k8s.api.core.v1.ServiceSpec.selector": { "x-kubernetes-map-type": "atomic" },

  "io.k8s.api.core.v1.ServiceStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.core.v1.TopologySpreadConstraint.matchLabelKeys": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.discovery.v1.Endpoint.addresses": { "x-kubernetes-list-type": "set" },

  "io.k8s.api.discovery.v1.EndpointHints.forZones": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.discovery.v1.EndpointSlice.endpoints": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.discovery.v1.EndpointSlice.ports": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.HTTPIngressRuleValue.paths": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.IPBlock.except": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.IngressLoadBalancerIngress.ports": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.IngressLoadBalancerStatus.ingress": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.IngressSpec.rules": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.networking.v1.IngressSpec.tls": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.IngressTLS.hosts": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.NetworkPolicyEgressRule.ports": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.networking.v1.NetworkPolicyEgressRule.to": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.NetworkPolicyIngressRule.from": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.networking.v1.NetworkPolicyIngressRule.ports": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.networking.v1.NetworkPolicySpec.egress": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.networking.v1.NetworkPolicySpec.ingress": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.networking.v1.NetworkPolicySpec.policyTypes": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.policy.v1.PodDisruptionBudgetSpec.selector": { "x-kubernetes-patch-strategy": "replace" },

  "io.k8s.api.policy.v1.PodDisruptionBudgetStatus.conditions": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "type" },

  "io.k8s.api.rbac.v1.AggregationRule.clusterRoleSelectors": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.rbac.v1.ClusterRole.rules": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.rbac.v1.ClusterRoleBinding.subjects": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.rbac.v1.PolicyRule.apiGroups": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.rbac.v1.PolicyRule.nonResourceURLs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.rbac.v1.PolicyRule.resourceNames": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.rbac.v1.PolicyRule.resources": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.api.rbac.v1.PolicyRule.verbs": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.rbac.v1.Role.rules": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.api.rbac.v1.RoleBinding.subjects": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup.serverAddressByClientCIDRs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup.versions": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList.groups": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.APIResource.categories": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.APIResource.shortNames": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList.resources": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions.serverAddressByClientCIDRs": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions.versions": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions.dryRun": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector.matchExpressions": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement.values": { "x-kubernetes-list-type": "atomic" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.finalizers": { "x-kubernetes-list-type": "set", "x-kubernetes-patch-strategy": "merge" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.managedFields": { "x-kubernetes-list-type": "atomic" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.ownerReferences": { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["uid"], "x-kubernetes-patch-strategy": "merge", "x-kubernetes-patch-merge-key": "uid" },

  "io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails.causes": { "x-kubernetes-list-type": "atomic" },
};

/** Type-level extensions, keyed by definition name. */
export const typeExtensions: Readonly<Record<string, TypeExtensions>> = {
  "io.k8s.api.core.v1.ConfigMapKeySelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.EndpointAddress": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.EndpointPort": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.LocalObjectReference": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.NodeSelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.NodeSelectorTerm": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.ObjectFieldSelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.ObjectReference": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.ResourceFieldSelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.ScopeSelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.SecretKeySelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.SecretReference": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.core.v1.TypedLocalObjectReference": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.discovery.v1.EndpointPort": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.rbac.v1.RoleRef": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.api.rbac.v1.Subject": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector": { "x-kubernetes-map-type": "atomic" },
  "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference": { "x-kubernetes-map-type": "atomic" },
};

/** The extensions of one field, if Kubernetes declares any. */
export function fieldExtensionsOf(definition: string, field: string): FieldExtensions | undefined {
  return patchExtensions[`${definition}.${field}`];
}

/** The strategic-merge-patch strategies of a field ("merge,retainKeys" → ["merge", "retainKeys"]). */
export function patchStrategiesOf(definition: string, field: string): string[] {
  const s = fieldExtensionsOf(definition, field)?.["x-kubernetes-patch-strategy"];
  return s ? s.split(",") : [];
}
