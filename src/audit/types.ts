/** One audit record: who did what to which object, and how it ended. */
export interface AuditEntry {
  /** RFC 3339 with milliseconds. */
  time: string;
  user: string;
  groups: string[];
  verb: string;
  /** "pods", "deployments.apps", "pods/log"; empty for non-resource requests. */
  resource: string;
  namespace: string;
  name: string;
  /** The path, for non-resource requests (and as asked). */
  uri: string;
  code: number;
  userAgent: string;
  sourceIP: string;
  /** What admission noted for the audit log (as a Kubernetes audit event's annotations). */
  annotations?: Record<string, string>;
}
