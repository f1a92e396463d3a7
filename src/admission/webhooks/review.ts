/**
 * admission.k8s.io/v1 AdmissionReview, both ways: the request a webhook
 * gets (what kube-apiserver's webhook admission sends) and what its answer
 * means — allowed or refused with its Status (Kubernetes' "admission
 * webhook "x" denied the request: …"), a JSONPatch to apply, warnings.
 * Pure functions, no I/O.
 */
import { ApiError, type StatusReason } from "../../apimachinery/status.js";
import { fromBase64 } from "../../apimachinery/bytes.js";
import type { KObject } from "../../registry/types.js";
import type { Attributes } from "../types.js";
import { admissionRequest, type AdmissionRequest } from "../request.js";

export interface AdmissionReviewRequest extends AdmissionRequest {
  object: KObject | null;
  oldObject: KObject | null;
}

export interface JsonPatchOp {
  op: string;
  path: string;
  value?: unknown;
  from?: string;
}

/** The review a webhook is sent (v1, or v1beta1 when that is all it takes: the same shape). */
export function admissionReview(a: Attributes, uid: string, apiVersion = "admission.k8s.io/v1"): { apiVersion: string; kind: "AdmissionReview"; request: AdmissionReviewRequest } {
  return { apiVersion, kind: "AdmissionReview", request: { ...admissionRequest(a, uid), object: a.operation === "DELETE" ? null : a.object, oldObject: a.oldObject ?? null } };
}

export interface WebhookAnswer {
  allowed: boolean;
  patch?: JsonPatchOp[];
  warnings: string[];
  status?: { code?: number; message?: string; reason?: string };
}

/** Read a webhook's answer to the review with this uid; throws (a call failure) when it is not one. */
export function readAnswer(body: unknown, uid: string): WebhookAnswer {
  const review = body as { kind?: string; response?: { uid?: string; allowed?: boolean; patch?: string; patchType?: string; warnings?: string[]; status?: WebhookAnswer["status"] } };
  const r = review?.response;
  if (!r || typeof r !== "object") throw new Error("webhook response was absent");
  if (r.uid !== uid) throw new Error(`expected response.uid="${uid}", got "${r.uid ?? ""}"`);
  if (typeof r.allowed !== "boolean") throw new Error("webhook response has no allowed field");
  let patch: JsonPatchOp[] | undefined;
  if (r.patch) {
    if (r.patchType !== "JSONPatch") throw new Error(`unsupported patch type "${r.patchType ?? ""}"`);
    const ops = JSON.parse(new TextDecoder().decode(fromBase64(r.patch))) as unknown;
    if (!Array.isArray(ops)) throw new Error("the patch is not a JSON patch (a list of operations)");
    patch = ops as JsonPatchOp[];
  }
  return { allowed: r.allowed, warnings: Array.isArray(r.warnings) ? r.warnings.filter((w) => typeof w === "string") : [], ...(patch ? { patch } : {}), ...(r.status ? { status: r.status } : {}) };
}

const REASONS: Record<number, StatusReason> = { 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict", 422: "Invalid", 429: "TooManyRequests" };

/** webhookerrors.ToStatusErr: a refusal as the client sees it (code at least 400). */
export function refusal(webhook: string, answer: WebhookAnswer): ApiError {
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const code = answer.status?.code && answer.status.code >= 400 ? answer.status.code : 400;
  const message = answer.status?.message ? `${deniedBy}: ${answer.status.message}` : `${deniedBy} without explanation`;
  const reason = (answer.status?.reason as StatusReason | undefined) ?? REASONS[code] ?? "BadRequest";
  return new ApiError(code, reason, message);
}

/** A webhook that could not be called, under failurePolicy Fail. */
export function callFailure(webhook: string, why: string): ApiError {
  return new ApiError(500, "InternalError", `Internal error occurred: failed calling webhook "${webhook}": ${why}`);
}
