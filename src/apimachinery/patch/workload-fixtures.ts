/**
 * Realistic objects of the writes that dominate a busy cluster (a ConfigMap
 * create; a Deployment's pod being created, bound and given its status), for
 * bench/field-manager.ts and the field manager's equivalence tests. Each
 * function returns a fresh object, as the store hands the field manager.
 */
import type { KObject } from "../../registry/types.js";

const T0 = "2024-05-01T10:00:00Z";

export function configMap(i = 0): KObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `cm-${i}`,
      namespace: "bench",
      uid: `00000000-0000-0000-0000-${String(i).padStart(12, "0")}`,
      resourceVersion: String(100 + i),
      creationTimestamp: T0,
      labels: { app: "bench", tier: "config" },
    },
    data: { "app.properties": "a=1\nb=2\n", mode: "fast", "log.level": "info" },
  } as KObject;
}

function container(name: string, image: string, port: number) {
  return {
    name,
    image,
    ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
    env: [
      { name: "POD_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
      { name: "POD_IP", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "status.podIP" } } },
      { name: "LOG_LEVEL", value: "info" },
      { name: "CACHE_SIZE", value: "128" },
    ],
    resources: { limits: { cpu: "500m", memory: "256Mi" }, requests: { cpu: "100m", memory: "128Mi" } },
    livenessProbe: { httpGet: { path: "/healthz", port, scheme: "HTTP" }, initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: "/ready", port, scheme: "HTTP" }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 },
    volumeMounts: [
      { name: "config", mountPath: "/etc/app" },
      { name: "kube-api-access", mountPath: "/var/run/secrets/kubernetes.io/serviceaccount", readOnly: true },
    ],
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: "IfNotPresent",
  };
}

/** A pod as the ReplicaSet controller creates it, after defaulting and admission. */
export function pod(i = 0): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `web-7d4b9c8f6d-${i}`,
      generateName: "web-7d4b9c8f6d-",
      namespace: "bench",
      uid: `11111111-0000-0000-0000-${String(i).padStart(12, "0")}`,
      resourceVersion: String(200 + i),
      creationTimestamp: T0,
      labels: { app: "web", "pod-template-hash": "7d4b9c8f6d" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-7d4b9c8f6d", uid: "22222222-0000-0000-0000-000000000000", controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      containers: [container("web", "nginx:1.27", 8080), container("sidecar", "envoy:1.30", 9901)],
      volumes: [
        { name: "config", configMap: { name: "web-config", defaultMode: 420 } },
        {
          name: "kube-api-access",
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: "token" } },
              { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
              { downwardAPI: { items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }] } },
            ],
          },
        },
      ],
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      serviceAccountName: "default",
      serviceAccount: "default",
      securityContext: {},
      schedulerName: "default-scheduler",
      tolerations: [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: "PreemptLowerPriority",
    },
    status: { phase: "Pending", qosClass: "Burstable" },
  } as KObject;
}

/** `pod` once the scheduler has bound it. */
export function boundPod(base: KObject): KObject {
  const o = structuredClone(base);
  (o.spec as Record<string, unknown>).nodeName = "node-3";
  o.metadata.resourceVersion = String(Number(o.metadata.resourceVersion) + 1);
  (o.status as Record<string, unknown>).conditions = [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: T0 }];
  return o;
}

/** A bound pod once its node reports it running (what a status merge patch produces). */
export function runningPod(base: KObject): KObject {
  const o = structuredClone(base);
  o.metadata.resourceVersion = String(Number(o.metadata.resourceVersion) + 1);
  const started = "2024-05-01T10:00:05Z";
  o.status = {
    phase: "Running",
    qosClass: "Burstable",
    conditions: [
      { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: started },
      { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: T0 },
      { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: started },
      { type: "ContainersReady", status: "True", lastProbeTime: null, lastTransitionTime: started },
      { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: T0 },
    ],
    hostIP: "10.0.0.3",
    hostIPs: [{ ip: "10.0.0.3" }],
    podIP: "10.244.3.17",
    podIPs: [{ ip: "10.244.3.17" }],
    startTime: T0,
    containerStatuses: ["web", "sidecar"].map((name) => ({
      name,
      state: { running: { startedAt: started } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: name === "web" ? "nginx:1.27" : "envoy:1.30",
      imageID: `docker.io/library/${name}@sha256:abc`,
      containerID: `containerd://${name}0123`,
      started: true,
    })),
  };
  return o;
}
