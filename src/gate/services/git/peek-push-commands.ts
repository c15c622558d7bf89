import { readPackets, type Packet } from "./pkt-line.ts";
import { parsePushCommands, type RefUpdate } from "./ref-update.ts";

/** The commands are read from at most this much of the body; the pack follows them. */
const MAX_HEAD = 1 << 20;

/** A push body with its commands read, and the same bytes, whole, to hand on. */
export interface PeekedPush {
  commands: RefUpdate[];
  body: ReadableStream<Uint8Array>;
}

/**
 * Reads the start of a receive-pack request up to its first flush (the ref update
 * commands) and hands back a stream of the whole body, nothing lost: the gate knows
 * what a push asks for even if the hook never runs.
 */
export async function peekPushCommands(body: ReadableStream<Uint8Array>): Promise<PeekedPush> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let commands: RefUpdate[] = [];
  // Packets are read as they complete, and only the bytes of the one still partial are
  // joined to the next chunk: joining and reading the whole head again per chunk made
  // 1 MiB of tiny pkt-lines in 1 KiB chunks cost 64 s of CPU (a hunt for leaks, this round).
  const packets: Packet[] = [];
  let partial: Uint8Array = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    const pending = partial.length === 0 ? value : Buffer.concat([partial, value]);
    const read = readPackets(pending, 1);
    for (const packet of read.packets) packets.push(packet);
    partial = pending.subarray(read.offset);
    if (read.error !== undefined || read.packets.some((packet) => packet.type === "flush") || size >= MAX_HEAD) {
      commands = parsePushCommands(packets);
      break;
    }
  }
  const queue = [...chunks];
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = queue.shift() ?? (await reader.read().then(({ done, value }) => (done ? undefined : value)));
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return { commands, body: rest };
}
