import { describe, expect, test } from "bun:test";
import { closeFrame, createFrameReader, encodeFrame } from "../../../../src/gate/tls/websocket-frames.ts";

/** A client frame: masked with `mask`. */
function masked(opcode: number, payload: Buffer, mask = Buffer.from([1, 2, 3, 4]), fin = true): Buffer {
  const server = encodeFrame(fin, opcode, payload);
  const headLength = server.length - payload.length;
  const head = Buffer.from(server.subarray(0, headLength));
  head[1] = head[1]! | 0x80;
  return Buffer.concat([head, mask, Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!))]);
}

describe("createFrameReader", () => {
  test.each([5, 200, 70_000])("reads a masked client frame of %d bytes, unmasked, with its raw bytes as they came", (size) => {
    const payload = Buffer.alloc(size, "x");
    const raw = masked(2, payload);
    const frames = createFrameReader(true).push(raw);
    expect(frames).toEqual([{ fin: true, opcode: 2, payload, raw }]);
  });

  test("frames split at every byte come out whole, and two in one chunk come out as two", () => {
    const reader = createFrameReader(true);
    const raw = Buffer.concat([masked(1, Buffer.from("first"), undefined, false), masked(0, Buffer.from("second"))]);
    const out = [];
    for (const byte of raw) {
      const frames = reader.push(Buffer.from([byte]));
      if ("error" in frames) throw new Error(frames.error);
      out.push(...frames);
    }
    expect(out.map((frame) => [frame.fin, frame.opcode, frame.payload.toString()])).toEqual([[false, 1, "first"], [true, 0, "second"]]);
    expect(createFrameReader(true).push(raw)).toHaveLength(2);
  });

  test("an unmasked client frame, a masked server frame, reserved bits and an oversized frame are refused", () => {
    expect(createFrameReader(true).push(encodeFrame(true, 1, Buffer.from("hi")))).toEqual({ error: "ws-unmasked" });
    expect(createFrameReader(false).push(masked(1, Buffer.from("hi")))).toEqual({ error: "ws-masked" });
    const compressed = masked(1, Buffer.from("hi"));
    compressed[0] = compressed[0]! | 0x40;
    expect(createFrameReader(true).push(compressed)).toEqual({ error: "ws-reserved-bits" });
    // The length alone is enough to refuse: the 2 GiB never has to arrive.
    const huge = Buffer.from([0x82, 0xff, 0, 0, 0, 0, 0x80, 0, 0, 0]);
    expect(createFrameReader(true).push(huge)).toEqual({ error: "ws-frame-too-large" });
    expect(createFrameReader(true, 100).push(masked(2, Buffer.alloc(101)))).toEqual({ error: "ws-frame-too-large" });
  });

  test("control frames over 125 bytes or fragmented, and reserved opcodes, are refused as their head arrives", () => {
    // The attack (a hunt, this round): an 8 MiB ping was read whole and passed on.
    const ping = masked(9, Buffer.alloc(126));
    expect(createFrameReader(true).push(ping.subarray(0, 4))).toEqual({ error: "ws-bad-control-frame" });
    expect(createFrameReader(false).push(encodeFrame(true, 10, Buffer.alloc(200)))).toEqual({ error: "ws-bad-control-frame" });
    expect(createFrameReader(true).push(masked(9, Buffer.from("hi"), undefined, false))).toEqual({ error: "ws-bad-control-frame" });
    for (const opcode of [3, 7, 11, 15]) expect(createFrameReader(true).push(masked(opcode, Buffer.from("x")))).toEqual({ error: "ws-reserved-opcode" });
    expect(createFrameReader(true).push(masked(9, Buffer.alloc(125)))).toHaveLength(1);
  });

  test("a large frame read in small pieces comes out once, whole, with pending counting what waits", () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 7);
    const raw = encodeFrame(true, 2, payload);
    const reader = createFrameReader(false);
    let out: unknown[] = [];
    for (let at = 0; at < raw.length; at += 64 * 1024) {
      const frames = reader.push(raw.subarray(at, at + 64 * 1024));
      if ("error" in frames) throw new Error(frames.error);
      if (at + 64 * 1024 < raw.length) expect(reader.pending).toBe(Math.min(raw.length, at + 64 * 1024));
      out = out.concat(frames);
    }
    expect(out).toHaveLength(1);
    expect((out[0] as { payload: Buffer }).payload.equals(payload)).toBe(true);
    expect(reader.pending).toBe(0);
  });

  test("server frames round-trip through encodeFrame; a close frame carries its code and reason", () => {
    for (const size of [0, 125, 126, 65_535, 65_536]) {
      const payload = Buffer.alloc(size, 7);
      const [frame] = createFrameReader(false).push(encodeFrame(true, 2, payload)) as { payload: Buffer }[];
      expect(frame!.payload.equals(payload)).toBe(true);
    }
    const [close] = createFrameReader(false).push(closeFrame(1008, "bottle gate: dlp:held-secret")) as { opcode: number; payload: Buffer }[];
    expect(close!.opcode).toBe(8);
    expect(close!.payload.readUInt16BE(0)).toBe(1008);
    expect(close!.payload.subarray(2).toString()).toBe("bottle gate: dlp:held-secret");
  });

  test("a data frame longer than streamAbove comes out in pieces, unmasked across them, raw bytes adding up to the frame", () => {
    const payload = Buffer.from(Array.from({ length: 2_500 }, (_, index) => index % 251));
    const raw = masked(2, payload, Buffer.from([9, 8, 7, 6]), false);
    const reader = createFrameReader(true, 10_000, 1_000);
    const out = [];
    // Fed in uneven chunks: a piece waits for its 1,000 bytes, the last for the rest.
    for (let at = 0; at < raw.length; at += 333) {
      const frames = reader.push(raw.subarray(at, at + 333));
      if ("error" in frames) throw new Error(frames.error);
      out.push(...frames);
      expect(reader.pending).toBeLessThan(1_000 + 333);
    }
    expect(out.map((piece) => [piece.payload.length, piece.partial ?? false, piece.fin, piece.opcode])).toEqual([
      [1_000, true, false, 2],
      [1_000, true, false, 2],
      [500, false, false, 2],
    ]);
    expect(Buffer.concat(out.map((piece) => piece.payload)).equals(payload)).toBe(true);
    expect(Buffer.concat(out.map((piece) => piece.raw)).equals(raw)).toBe(true);
  });

  test("control frames and frames within streamAbove stay whole; the frame after a streamed one is read as usual", () => {
    const reader = createFrameReader(true, 10_000, 100);
    const frames = reader.push(Buffer.concat([masked(1, Buffer.alloc(250, "a")), masked(9, Buffer.alloc(100, "p")), masked(1, Buffer.from("next"))]));
    if ("error" in frames) throw new Error(frames.error);
    expect(frames.map((frame) => [frame.opcode, frame.payload.length, frame.partial ?? false])).toEqual([
      [1, 100, true],
      [1, 100, true],
      [1, 50, false],
      [9, 100, false],
      [1, 4, false],
    ]);
  });
});
