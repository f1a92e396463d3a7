/**
 * Classifying write errors the way controllers do with apierrors.IsNotFound
 * and friends: which ones mean "already done", which mean "stop trying".
 */
import { ApiError } from "../../apimachinery/status.js";

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.reason === "AlreadyExists";

/** A create refused because its namespace is being deleted (NamespaceTerminatingCause): nothing more to create there. */
export const isNamespaceTerminating = (e: unknown): boolean =>
  e instanceof ApiError && e.code === 403 && e.message.includes("because it is being terminated");

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));
