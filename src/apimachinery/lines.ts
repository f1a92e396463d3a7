/**
 * Newline-delimited streams (watch events, followed logs) read line by line.
 * The network cuts chunks anywhere, mid-line and mid-UTF-8 character, so
 * lines are reassembled here before anyone parses them. Blank lines are
 * skipped. Web standards only: the Worker, Node and the dashboard share it.
 */

/** The lines of a stream whose reader the caller holds (and may cancel). */
export async function* linesOf(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
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
}

export async function forEachLine(reader: ReadableStreamDefaultReader<Uint8Array>, onLine: (line: string) => void): Promise<void> {
  for await (const line of linesOf(reader)) onLine(line);
}

/** The lines of a response body; aborting the signal cancels the body. */
export async function* readLines(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<string> {
  const reader = body.getReader();
  const onAbort = () => void reader.cancel().catch(() => {});
  signal?.addEventListener("abort", onAbort);
  try {
    yield* linesOf(reader);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
  }
}
