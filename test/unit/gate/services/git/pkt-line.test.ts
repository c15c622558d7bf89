import { describe, expect, test } from "bun:test";
import { encodePacket, errorPacket, FLUSH_PACKET, packetText, readPackets } from "../../../../../src/gate/services/git/pkt-line.ts";
import { parsePushCommands, parseRefUpdate } from "../../../../../src/gate/services/git/ref-update.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const join = (...parts: (string | Uint8Array)[]) => Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : part)));

const A = "a".repeat(40);
const B = "b".repeat(40);
const ZERO = "0".repeat(40);

describe("pkt-line", () => {
  test("encodes the length in four hex digits, the four included", () => {
    expect(text(encodePacket("# service=git-upload-pack\n"))).toBe("001e# service=git-upload-pack\n");
    expect(text(FLUSH_PACKET)).toBe("0000");
    expect(text(errorPacket("upstream\nunreachable"))).toBe("001dERR upstream unreachable\n");
  });

  test("reads data, flush, delim and response-end packets and stops at an incomplete one", () => {
    const bytes = join("0009done\n", "0000", "0001", "0002", "000ahalf");
    const read = readPackets(bytes);
    expect(read.packets.map((p) => p.type)).toEqual(["data", "flush", "delim", "response-end"]);
    expect(packetText(read.packets[0]!)).toBe("done");
    expect(read.offset).toBe(bytes.length - 8);
    expect(read.error).toBeUndefined();
  });

  test("stops after the asked number of flushes, leaving the pack unread", () => {
    const bytes = join(encodePacket("x\n"), "0000", "PACK\u0000\u0000\u0000\u0002");
    const read = readPackets(bytes, 1);
    expect(read.packets).toHaveLength(2);
    expect(text(bytes.subarray(read.offset))).toStartWith("PACK");
  });

  test("reports bytes that are not pkt-lines instead of throwing", () => {
    expect(readPackets(join("zzzz")).error).toContain("not a pkt-line length");
    expect(readPackets(join("0003")).error).toContain("reserved");
  });
});

describe("ref updates", () => {
  test("parses a hook line and a receive-pack command with capabilities", () => {
    expect(parseRefUpdate(`${A} ${B} refs/heads/main`)).toEqual({ ref: "refs/heads/main", old: A, new: B });
    expect(parseRefUpdate(`${ZERO} ${B} refs/heads/bottle/x\0 report-status side-band-64k agent=git/2.39`)).toEqual({ ref: "refs/heads/bottle/x", old: ZERO, new: B });
    expect(parseRefUpdate(`${"c".repeat(64)} ${ZERO} refs/tags/v1`)).toMatchObject({ ref: "refs/tags/v1" });
  });

  test("refuses what is not a ref update", () => {
    expect(parseRefUpdate(`${A} ${B}`)).toBeUndefined();
    expect(parseRefUpdate(`${A} ${B} HEAD`)).toBeUndefined();
    expect(parseRefUpdate(`${A.slice(1)} ${B} refs/heads/x`)).toBeUndefined();
    expect(parseRefUpdate(`shallow ${A}`)).toBeUndefined();
  });

  test("the commands of a push are the pkt-lines up to the first flush", () => {
    const bytes = join(
      encodePacket(`shallow ${A}\n`),
      encodePacket(`${A} ${B} refs/heads/bottle/a\0report-status\n`),
      encodePacket(`${B} ${ZERO} refs/heads/old\n`),
      "0000",
      encodePacket(`${A} ${B} refs/heads/after-flush\n`),
    );
    const updates = parsePushCommands(readPackets(bytes).packets);
    expect(updates.map((u) => u.ref)).toEqual(["refs/heads/bottle/a", "refs/heads/old"]);
  });
});
