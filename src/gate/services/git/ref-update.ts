import type { Packet } from "./pkt-line.ts";
import { packetText } from "./pkt-line.ts";

/** One ref update of a push, as git states it: `old new ref`. */
export interface RefUpdate {
  ref: string;
  /** The object id the ref had (all zeros: the push creates it). */
  old: string;
  /** The object id it gets (all zeros: the push deletes it). */
  new: string;
}

const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** True for git's null object id (`0000…`), which stands for "no ref". */
export function isNullId(id: string): boolean {
  return /^0+$/.test(id);
}

/**
 * Parses one `old new ref` line (a pre-receive hook's stdin, or a receive-pack
 * command with its capabilities after a NUL). Undefined when the line is not one.
 */
export function parseRefUpdate(line: string): RefUpdate | undefined {
  const [command] = line.split("\0");
  const parts = command!.trim().split(" ");
  if (parts.length !== 3) return undefined;
  const [old, next, ref] = parts as [string, string, string];
  if (!OBJECT_ID.test(old) || !OBJECT_ID.test(next) || !ref.startsWith("refs/")) return undefined;
  return { ref, old, new: next };
}

/**
 * The ref updates at the start of a receive-pack request: the command pkt-lines up to
 * the first flush (a push certificate or the pack follows). Lines that are not
 * commands (`shallow …`, a certificate) are skipped.
 */
export function parsePushCommands(packets: readonly Packet[]): RefUpdate[] {
  const updates: RefUpdate[] = [];
  for (const packet of packets) {
    if (packet.type === "flush") break;
    const update = parseRefUpdate(packetText(packet) ?? "");
    if (update !== undefined) updates.push(update);
  }
  return updates;
}
