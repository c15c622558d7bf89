/** A pkt-line as git frames it: data, or one of the special packets of protocol v2. */
export type Packet = { type: "data"; data: Uint8Array } | { type: "flush" } | { type: "delim" } | { type: "response-end" };

/** What {@link readPackets} found: the complete packets and where the unread rest begins. */
export interface ReadPackets {
  packets: Packet[];
  /** Offset of the first byte not part of a complete packet. */
  offset: number;
  /** Set when the bytes are not pkt-lines at all (a bad length). */
  error?: string;
}

const encoder = new TextEncoder();

/** One data pkt-line: four hex digits of length (the four included), then the data. */
export function encodePacket(data: string | Uint8Array): Uint8Array {
  const body = typeof data === "string" ? encoder.encode(data) : data;
  if (body.length > 65516) throw new Error("a pkt-line holds at most 65516 bytes");
  const out = new Uint8Array(body.length + 4);
  out.set(encoder.encode((body.length + 4).toString(16).padStart(4, "0")), 0);
  out.set(body, 4);
  return out;
}

/** The flush packet, `0000`. */
export const FLUSH_PACKET = encoder.encode("0000");

/**
 * An `ERR` packet: git's client stops with `fatal: remote error: <message>` when it
 * reads one first, in protocol v0 and v2 alike, which is how the agent sees why.
 */
export function errorPacket(message: string): Uint8Array {
  return encodePacket(`ERR ${message.replace(/[\r\n]+/g, " ").slice(0, 2000)}\n`);
}

/**
 * Reads pkt-lines from the start of `bytes` for as long as they are complete, stopping
 * after `stopAfterFlush` flushes (by default, at the end). Never throws: a bad length
 * is reported in `error`.
 */
export function readPackets(bytes: Uint8Array, stopAfterFlush = Infinity): ReadPackets {
  const packets: Packet[] = [];
  let offset = 0;
  let flushes = 0;
  while (offset + 4 <= bytes.length && flushes < stopAfterFlush) {
    const head = String.fromCharCode(...bytes.subarray(offset, offset + 4));
    if (!/^[0-9a-f]{4}$/i.test(head)) return { packets, offset, error: `not a pkt-line length: ${JSON.stringify(head)}` };
    const length = Number.parseInt(head, 16);
    if (length === 0 || length === 1 || length === 2) {
      packets.push({ type: length === 0 ? "flush" : length === 1 ? "delim" : "response-end" });
      if (length === 0) flushes++;
      offset += 4;
      continue;
    }
    if (length < 4) return { packets, offset, error: `a pkt-line length of ${length} is reserved` };
    if (offset + length > bytes.length) break;
    packets.push({ type: "data", data: bytes.subarray(offset + 4, offset + length) });
    offset += length;
  }
  return { packets, offset };
}

/** A data packet as text, its trailing newline dropped. */
export function packetText(packet: Packet): string | undefined {
  if (packet.type !== "data") return undefined;
  return new TextDecoder().decode(packet.data).replace(/\n$/, "");
}
