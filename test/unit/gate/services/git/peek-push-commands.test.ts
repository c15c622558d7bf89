import { describe, expect, test } from "bun:test";
import { peekPushCommands } from "../../../../../src/gate/services/git/peek-push-commands.ts";
import { encodePacket, FLUSH_PACKET } from "../../../../../src/gate/services/git/pkt-line.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);

/** A stream handing out `bytes` in pieces of `size`, as a network would. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + size));
      offset += size;
    },
  });
}

describe("peekPushCommands", () => {
  test("reads the commands across chunk boundaries and hands on every byte, the pack included", async () => {
    const pack = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const body = Buffer.concat([
      encodePacket(`${A} ${B} refs/heads/bottle/x\0report-status side-band-64k\n`),
      encodePacket(`${B} ${"0".repeat(40)} refs/heads/old\n`),
      FLUSH_PACKET,
      Buffer.from("PACK"),
      pack,
    ]);
    const peeked = await peekPushCommands(chunked(body, 7));
    expect(peeked.commands).toEqual([
      { ref: "refs/heads/bottle/x", old: A, new: B },
      { ref: "refs/heads/old", old: B, new: "0".repeat(40) },
    ]);
    const forwarded = new Uint8Array(await new Response(peeked.body).arrayBuffer());
    expect(Buffer.from(forwarded).equals(body)).toBe(true);
  });

  test("many commands in pieces of 5 bytes are each read once, the partial packet carried to the next piece", async () => {
    // Packets are read as they complete (the whole head was joined and read again per
    // piece: 1 MiB of tiny pkt-lines in 1 KiB pieces cost 64 s, a hunt this round).
    const refs = Array.from({ length: 1000 }, (_, n) => `refs/heads/bottle/b${n}`);
    const body = Buffer.concat([...refs.map((ref, n) => encodePacket(`${A} ${B} ${ref}${n === 0 ? "\0report-status" : ""}\n`)), FLUSH_PACKET, Buffer.from("PACK")]);
    const peeked = await peekPushCommands(chunked(body, 5));
    expect(peeked.commands.map((command) => command.ref)).toEqual(refs);
    expect(Buffer.from(await new Response(peeked.body).arrayBuffer()).equals(body)).toBe(true);
  });

  test("a body that is not pkt-lines gives no commands and is still handed on whole", async () => {
    const body = Buffer.from("not a push at all");
    const peeked = await peekPushCommands(chunked(body, 4));
    expect(peeked.commands).toEqual([]);
    expect(Buffer.from(await new Response(peeked.body).arrayBuffer()).toString()).toBe("not a push at all");
  });
});
