/**
 * The engine multiplexes a non-TTY container's stdout and stderr onto one
 * byte stream (logs, attach, exec): each frame is an 8-byte header — stream
 * id (0 stdin, 1 stdout, 2 stderr), three zero bytes, a big-endian uint32
 * length — and the payload. Chunks from the socket cut frames anywhere, so
 * the parser keeps what it has not consumed yet.
 */

export type StreamId = 1 | 2;

export class Demuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly emit: (stream: StreamId, data: Buffer) => void) {}

  /** Feed bytes as they arrive; complete frames are emitted in order. */
  push(chunk: Uint8Array): void {
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    while (buf.length >= 8) {
      const len = buf.readUInt32BE(4);
      if (buf.length < 8 + len) break;
      const id = buf[0];
      if (len > 0) this.emit(id === 2 ? 2 : 1, buf.subarray(8, 8 + len));
      buf = buf.subarray(8 + len);
    }
    // Copy the remainder so a large chunk is not kept alive by a small tail.
    this.pending = Buffer.from(buf);
  }

  /** Bytes of an incomplete frame still buffered (non-zero at end of stream means truncation). */
  get buffered(): number {
    return this.pending.length;
  }
}

/** Frame one payload the way the engine does (tests, and fakes of the engine). */
export function frame(stream: 0 | 1 | 2, data: Uint8Array): Buffer {
  const h = Buffer.alloc(8);
  h[0] = stream;
  h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}
