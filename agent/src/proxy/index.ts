/** The kube-proxy role of the agent: one import for the agent's main. */
export { ServiceProxy, type ServiceProxyOptions, type PortMetrics, type ListenerStatus, type Log, type LogLevel } from "./service-proxy.js";
