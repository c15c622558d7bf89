import { describe, expect, test } from "bun:test";
import { createHeldSecretRedactor, HELD_MARKER, redactHeldText } from "../../../../src/gate/dlp/held-secret-redactor.ts";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { base32 } from "./fake-credentials.ts";

/** Issue 9, finding 2 (the DLP side): held secrets redacted from what flows back,
 * in every form, across chunk boundaries, without holding back SSE events. */

const secret = "sk-ant-oat01-held-9f8e7d6c5b4a3928171615141312";
const held = buildHeldSecretForms([secret]);

/** Feeds `chunks` through a redactor; what came out after each chunk, and in all. */
async function pipe(chunks: string[]): Promise<{ out: string; perChunk: string[] }> {
  const stream = createHeldSecretRedactor(held);
  let received = "";
  const done = stream.readable.pipeTo(
    new WritableStream<Uint8Array>({
      write(chunk) {
        received += Buffer.from(chunk).toString("latin1");
      },
    }),
  );
  const writer = stream.writable.getWriter();
  const perChunk: string[] = [];
  for (const chunk of chunks) {
    const before = received.length;
    await writer.write(Buffer.from(chunk, "latin1"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    perChunk.push(received.slice(before));
  }
  await writer.close();
  await done;
  return { out: received, perChunk };
}

const forms: Record<string, string> = {
  raw: secret,
  "percent every byte": [...Buffer.from(secret)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  hex: Buffer.from(secret).toString("hex"),
  base64: Buffer.from(secret).toString("base64"),
  base64url: Buffer.from(secret).toString("base64url"),
  base32: base32(secret).replace(/=+$/, ""),
  "base64 at offset 1 of a blob": Buffer.from(`x${secret}yz`).toString("base64"),
};

describe("a held secret in a response is redacted across every chunk boundary", () => {
  for (const [name, form] of Object.entries(forms)) {
    test(name, async () => {
      const body = `{"echo":"Bearer ${form}","n":1}`;
      for (let cut = 1; cut < body.length; cut++) {
        const { out } = await pipe([body.slice(0, cut), body.slice(cut)]);
        expect(out).toContain(HELD_MARKER);
        expect(out).not.toContain(secret);
        expect(out).not.toContain(form.slice(4, 24));
      }
    });
  }
  test("split over three chunks, one byte each in the middle", async () => {
    const { out } = await pipe([`a${secret.slice(0, 10)}`, secret.slice(10, 11), secret.slice(11, 12), `${secret.slice(12)}b`]);
    expect(out).toBe(`a${HELD_MARKER}b`);
  });
});

test("server-sent events go out as they arrive (nothing held that cannot start a secret)", async () => {
  const events = ["event: ping\ndata: {}\n\n", 'data: {"delta":"hello"}\n\n', 'data: {"delta":"world"}\n\n'];
  const { perChunk } = await pipe(events);
  expect(perChunk).toEqual(events);
});

test("a tail that could start a secret waits only until the next chunk or the end", async () => {
  const { perChunk, out } = await pipe(["data: sk-an", "x\n\n"]);
  expect(perChunk[0]).toBe("data: ");
  expect(out).toBe("data: sk-anx\n\n");
});

test("redactHeldText replaces every form in a header value", () => {
  expect(redactHeldText(`Bearer ${secret}, b=${forms.hex}`, held)).toBe(`Bearer ${HELD_MARKER}, b=${HELD_MARKER}`);
});
