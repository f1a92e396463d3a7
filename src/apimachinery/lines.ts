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

/** A newline-delimited stream with every line rewritten by fn (lines reassembled across chunks first). */
export function mapLines(stream: ReadableStream<Uint8Array>, fn: (line: string) => string): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  const emit = (text: string, out: TransformStreamDefaultController<Uint8Array>) => {
    const lines = text.split("\n").filter((l) => l.trim());
    if (lines.length) out.enqueue(encoder.encode(lines.map((l) => `${fn(l)}\n`).join("")));
  };
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, out) {
        pending += decoder.decode(chunk, { stream: true });
        const end = pending.lastIndexOf("\n");
        if (end < 0) return;
        emit(pending.slice(0, end), out);
        pending = pending.slice(end + 1);
      },
      flush(out) {
        emit(pending + decoder.decode(), out);
      },
    }),
  );
}
