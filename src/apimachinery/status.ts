/**
 * metav1.Status errors. Every failure the API returns is one of these, so
 * clients (kubectl, client-go, client-node) can read code, reason and causes.
 * Throw an ApiError anywhere on the request path; the apiserver turns it into
 * the HTTP response.
 */

export type StatusReason =
  | "BadRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "AlreadyExists"
  | "Conflict"
  | "Gone"
  | "Invalid"
  | "MethodNotAllowed"
  | "NotAcceptable"
  | "UnsupportedMediaType"
  | "RequestEntityTooLarge"
  | "TooManyRequests"
  | "InternalError"
  | "Expired"
  | "Timeout"
  | "ServiceUnavailable";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    const s: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }
}

/** What a resource is called in messages: "pods", "deployments.apps". */
export interface ResourceRef {
  group: string;
  resource: string;
}
const qualified = (r: ResourceRef) => (r.group ? `${r.resource}.${r.group}` : r.resource);
const kindOf = (r: ResourceRef) => r.resource;

export const errors = {
  badRequest: (message: string, causes?: StatusCause[]) =>
    new ApiError(400, "BadRequest", message, causes ? { causes } : undefined),
  unauthorized: (message = "Unauthorized") => new ApiError(401, "Unauthorized", message),
  forbidden: (message: string, r?: ResourceRef, name?: string) =>
    new ApiError(403, "Forbidden", message, r ? { name, group: r.group, kind: kindOf(r) } : undefined),
  notFound: (r: ResourceRef, name: string) =>
    new ApiError(404, "NotFound", `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: kindOf(r) }),
  notFoundPath: (path: string) => new ApiError(404, "NotFound", `the server could not find the requested resource (${path})`),
  alreadyExists: (r: ResourceRef, name: string) =>
    new ApiError(409, "AlreadyExists", `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: kindOf(r) }),
  conflict: (r: ResourceRef, name: string, why: string) =>
    new ApiError(409, "Conflict", `Operation cannot be fulfilled on ${qualified(r)} "${name}": ${why}`, {
      name,
      group: r.group,
      kind: kindOf(r),
    }),
  gone: (message: string) => new ApiError(410, "Expired", message),
  invalid: (kind: string, group: string, name: string, causes: StatusCause[]) =>
    new ApiError(
      422,
      "Invalid",
      `${kind}${group ? "." + group : ""} "${name}" is invalid: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(", ")}`,
      { name, group, kind, causes },
    ),
  methodNotAllowed: (message: string) => new ApiError(405, "MethodNotAllowed", message),
  notAcceptable: (message: string) => new ApiError(406, "NotAcceptable", message),
  unsupportedMediaType: (contentType: string, accepted = "application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml") =>
    new ApiError(415, "UnsupportedMediaType", `the body of the request was in an unknown format - accepted media types include: ${accepted} (got "${contentType}")`),
  tooLarge: (limit: number) => new ApiError(413, "RequestEntityTooLarge", `the request body is larger than the limit of ${limit} bytes`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new ApiError(429, "TooManyRequests", "too many requests, please try again later", { retryAfterSeconds }),
  internal: (message: string) => new ApiError(500, "InternalError", `Internal error occurred: ${message}`),
  timeout: (message: string) => new ApiError(504, "Timeout", message),
};

export const success = (details?: StatusDetails): Status => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Success",
  code: 200,
  ...(details ? { details } : {}),
});

/** A field error as the apiserver's field.ErrorList reports it. */
export interface FieldError {
  type: "FieldValueRequired" | "FieldValueInvalid" | "FieldValueTypeInvalid" | "FieldValueNotSupported" | "FieldValueDuplicate" | "FieldValueForbidden" | "FieldValueNotFound" | "FieldValueTooLong" | "FieldValueTooMany";
  field: string;
  message: string;
}

export const fieldErrors = {
  required: (field: string, detail = ""): FieldError => ({ type: "FieldValueRequired", field, message: detail ? `Required value: ${detail}` : "Required value" }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    type: "FieldValueInvalid",
    field,
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  }),
  /** field.TypeInvalid: the value's JSON type is wrong (it blocks CEL rules, which need typed values). */
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({ type: "FieldValueTypeInvalid", field, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` }),
  notSupported: (field: string, value: unknown, allowed: string[]): FieldError => ({
    type: "FieldValueNotSupported",
    field,
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(", ")}`,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: "FieldValueDuplicate", field, message: `Duplicate value: ${JSON.stringify(value)}` }),
  forbidden: (field: string, detail: string): FieldError => ({ type: "FieldValueForbidden", field, message: `Forbidden: ${detail}` }),
  notFound: (field: string, value: unknown): FieldError => ({ type: "FieldValueNotFound", field, message: `Not found: ${JSON.stringify(value)}` }),
};

/** Turn field errors into the 422 Invalid error Kubernetes returns. */
export function invalidError(kind: string, group: string, name: string, errs: FieldError[]): ApiError {
  return errors.invalid(
    kind,
    group,
    name,
    errs.map((e) => ({ reason: e.type, message: e.message, field: e.field })),
  );
}
