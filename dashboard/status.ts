/**
 * The API's failures as the page shows them: every non-2xx response carries
 * a metav1.Status whose message is what kubectl prints (e.g. Kubernetes'
 * Forbidden message), so the page shows that message rather than a code.
 */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The ApiError for a failed response: its Status body when it has one, else the HTTP status line. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  try {
    const s = JSON.parse(text) as { kind?: string; code?: number; reason?: string; message?: string };
    if (s && s.kind === "Status") return new ApiError(s.code ?? res.status, s.reason ?? "", s.message ?? `${res.status} ${res.statusText}`);
  } catch {
    /* not a Status */
  }
  return new ApiError(res.status, res.statusText, text.trim() || `${res.status} ${res.statusText}`);
}

/** A watch ERROR event's object is a Status; 410 Gone means "relist". */
export function statusError(obj: unknown): ApiError {
  const s = (obj ?? {}) as { code?: number; reason?: string; message?: string };
  return new ApiError(s.code ?? 500, s.reason ?? "", s.message ?? "watch error");
}
