/** One WebSocket frame (RFC 6455 §5.2), as read off the wire. */
export interface WebSocketFrame {
  fin: boolean;
  /** 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  opcode: number;
  /** The payload, unmasked. */
  payload: Buffer;
  /** The frame's bytes exactly as they came (masked, if the client masked them). */
  raw: Buffer;
}

/** By default, a frame larger than this ends the connection (1009): the gate holds a whole frame to scan it. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Reads frames from a byte stream incrementally: `push` takes what arrived and returns
 * the frames now complete (bytes of a partial one wait for the next push), or the
 * reason the stream is not one the gate relays: a frame over the size bound, or a
 * client frame without its mask (RFC 6455 requires it; an unmasked one is how a proxy
 * in between gets confused). Reserved bits are refused too: no extension was
 * negotiated (the gate drops `Sec-WebSocket-Extensions`), so a compressed frame is
 * one the scanner could not read.
 */
export function createFrameReader(fromClient: boolean, maxFrame = MAX_FRAME_BYTES) {
  let buffered: Buffer = Buffer.alloc(0);
  return {
    /** Bytes of a frame not yet complete, held until the rest arrives. */
    get pending(): number {
      return buffered.length;
    },
    push(chunk: Buffer): WebSocketFrame[] | { error: string } {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const frames: WebSocketFrame[] = [];
      for (;;) {
        if (buffered.length < 2) return frames;
        const first = buffered[0]!;
        const second = buffered[1]!;
        if ((first & 0x70) !== 0) return { error: "ws-reserved-bits" };
        const masked = (second & 0x80) !== 0;
        if (masked !== fromClient) return { error: fromClient ? "ws-unmasked" : "ws-masked" };
        let length = second & 0x7f;
        let at = 2;
        if (length === 126) {
          if (buffered.length < 4) return frames;
          length = buffered.readUInt16BE(2);
          at = 4;
        } else if (length === 127) {
          if (buffered.length < 10) return frames;
          const big = buffered.readBigUInt64BE(2);
          if (big > BigInt(maxFrame)) return { error: "ws-frame-too-large" };
          length = Number(big);
          at = 10;
        }
        if (length > maxFrame) return { error: "ws-frame-too-large" };
        const maskAt = at;
        if (masked) at += 4;
        if (buffered.length < at + length) return frames;
        const raw = buffered.subarray(0, at + length);
        const payload = Buffer.from(raw.subarray(at));
        if (masked) for (let index = 0; index < payload.length; index++) payload[index]! ^= raw[maskAt + (index & 3)]!;
        frames.push({ fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload, raw });
        buffered = buffered.subarray(at + length);
      }
    },
  };
}

/** An unmasked (server-to-client) frame with `payload`: what the gate sends the agent. */
export function encodeFrame(fin: boolean, opcode: number, payload: Buffer): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  if (payload.length < 126) return Buffer.concat([Buffer.from([first, payload.length]), payload]);
  if (payload.length < 0x10000) {
    const head = Buffer.from([first, 126, 0, 0]);
    head.writeUInt16BE(payload.length, 2);
    return Buffer.concat([head, payload]);
  }
  const head = Buffer.alloc(10);
  head[0] = first;
  head[1] = 127;
  head.writeBigUInt64BE(BigInt(payload.length), 2);
  return Buffer.concat([head, payload]);
}

/** A close frame to the agent: `code` (1008 policy, 1009 too big, 1002 protocol) and a short reason. */
export function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason.slice(0, 120));
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return encodeFrame(true, 8, payload);
}
