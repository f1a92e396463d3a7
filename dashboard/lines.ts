/**
 * Newline-delimited reading of a streamed response body. A watch sends one
 * JSON event per line and a followed log one text line at a time, but the
 * network cuts chunks anywhere — mid-line and mid-UTF-8 character — so
 * lines are reassembled here before anyone parses them.
 */
export async function* readLines(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.trim()) yield line;
      }
    }
    pending += decoder.decode();
    if (pending.trim()) yield pending;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}
