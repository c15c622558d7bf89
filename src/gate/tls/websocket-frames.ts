/** One WebSocket frame (RFC 6455 §5.2), as read off the wire. */
export interface WebSocketFrame {
  fin: boolean;
  /** 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong. */
  opcode: number;
  /** The payload, unmasked. */
  payload: Buffer;
  /** The frame's bytes exactly as they came (masked, if the client masked them). */
  raw: Buffer;
  /**
   * Set on a piece of a frame read in pieces (one longer than the reader's
   * `streamAbove`): more of this frame follows. `payload` and `raw` are then this
   * piece's, the first piece's `raw` starting with the frame's head.
   */
  partial?: true;
}

/** By default, a frame larger than this ends the connection (1009): an origin's frame is held whole to redact it, an agent's scanned in pieces. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/**
 * Reads frames from a byte stream incrementally: `push` takes what arrived and returns
 * the frames now complete (bytes of a partial one wait for the next push), or the
 * reason the stream is not one the gate relays: a frame over the size bound, or a
 * client frame without its mask (RFC 6455 requires it; an unmasked one is how a proxy
 * in between gets confused). Reserved bits are refused too: no extension was
 * negotiated (the gate drops `Sec-WebSocket-Extensions`), so a compressed frame is
 * one the scanner could not read. A data frame longer than `streamAbove` comes out in
 * pieces of about that size (`partial` on all but the last), so the reader never
 * holds more than that of it. Control frames are as RFC 6455 §5.5 has them (at most
 * 125 bytes, never fragmented) and reserved opcodes are refused: an 8 MiB ping was held
 * whole and cost 0.65 s of the gate's CPU (a hunt, this round). Bytes of a frame that
 * is not complete wait in a list, joined once it is: joined on every read, an 8 MiB
 * frame in 64 KiB reads was copied 128 times over.
 */
export function createFrameReader(fromClient: boolean, maxFrame = MAX_FRAME_BYTES, streamAbove = Infinity) {
  let buffered: Buffer = Buffer.alloc(0);
  /** Reads kept apart until `need` bytes are here (the frame or piece in progress). */
  let waiting: Buffer[] = [];
  let waitingLength = 0;
  let need = 0;
  /** A frame longer than `streamAbove` being read in pieces of that size. */
  let piece: { fin: boolean; opcode: number; mask: Buffer | undefined; head: Buffer; remaining: number; offset: number } | undefined;
  return {
    /** Bytes of a frame not yet complete, held until the rest arrives. */
    get pending(): number {
      return buffered.length + waitingLength;
    },
    push(chunk: Buffer): WebSocketFrame[] | { error: string } {
      if (buffered.length + waitingLength + chunk.length < need) {
        waiting.push(chunk);
        waitingLength += chunk.length;
        return [];
      }
      buffered = buffered.length === 0 && waiting.length === 0 ? chunk : Buffer.concat([buffered, ...waiting, chunk]);
      waiting = [];
      waitingLength = 0;
      need = 0;
      const frames: WebSocketFrame[] = [];
      for (;;) {
        if (piece !== undefined) {
          // A piece goes out once `streamAbove` bytes of it (or the frame's rest) are here.
          const take = Math.min(piece.remaining, buffered.length, streamAbove);
          if (take < Math.min(piece.remaining, streamAbove)) {
            need = Math.min(piece.remaining, streamAbove);
            return frames;
          }
          const body = buffered.subarray(0, take);
          const payload = Buffer.from(body);
          if (piece.mask !== undefined) for (let index = 0; index < payload.length; index++) payload[index]! ^= piece.mask[(piece.offset + index) & 3]!;
          piece.remaining -= take;
          piece.offset += take;
          const raw = piece.head.length > 0 ? Buffer.concat([piece.head, body]) : Buffer.from(body);
          piece.head = Buffer.alloc(0);
          frames.push({ fin: piece.fin, opcode: piece.opcode, payload, raw, ...(piece.remaining > 0 ? { partial: true as const } : {}) });
          buffered = buffered.subarray(take);
          if (piece.remaining === 0) piece = undefined;
          continue;
        }
        if (buffered.length < 2) return frames;
        const first = buffered[0]!;
        const second = buffered[1]!;
        if ((first & 0x70) !== 0) return { error: "ws-reserved-bits" };
        const opcode = first & 0x0f;
        if ((opcode > 2 && opcode < 8) || opcode > 10) return { error: "ws-reserved-opcode" };
        if (opcode >= 8 && ((first & 0x80) === 0 || (second & 0x7f) > 125)) return { error: "ws-bad-control-frame" };
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
        if (length > streamAbove && (first & 0x0f) <= 2) {
          if (buffered.length < at) return frames;
          const mask = masked ? Buffer.from(buffered.subarray(maskAt, at)) : undefined;
          piece = { fin: (first & 0x80) !== 0, opcode: first & 0x0f, mask, head: Buffer.from(buffered.subarray(0, at)), remaining: length, offset: 0 };
          buffered = buffered.subarray(at);
          continue;
        }
        if (buffered.length < at + length) {
          need = at + length;
          return frames;
        }
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
