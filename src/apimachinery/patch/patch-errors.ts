/**
 * The 422 the apiserver returns when a well-formed patch cannot be applied
 * (a JSON patch op that fails, a strategic merge patch with a list of lists).
 * Kubernetes builds it with errors.NewGenericServerResponse(422, ...): a fixed
 * message, reason Invalid, and the underlying error as the single cause. kubectl
 * prints "The request is invalid: the server rejected our request due to an
 * error in our request".
 */
import { ApiError } from "../status.js";

export function unprocessable(cause: string): ApiError {
  return new ApiError(422, "Invalid", "the server rejected our request due to an error in our request", {
    causes: [{ reason: "UnexpectedServerResponse", message: cause }],
  });
}
