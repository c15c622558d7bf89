import { describe, expect, test } from "bun:test";
import { createHeldSecretRedactor, createHeldTextRedactor, HELD_MARKER, redactHeldText } from "../../../../src/gate/dlp/held-secret-redactor.ts";
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

test("a chunk's end since its last line break waits only until the next chunk or the end", async () => {
  const { perChunk, out } = await pipe(["id: 1\ndata: sk-an", "x\n\n"]);
  expect(perChunk).toEqual(["id: 1\n", "data: sk-anx\n\n"]);
  expect(out).toBe("id: 1\ndata: sk-anx\n\n");
});

describe("what is held back never says whether echoed bytes begin a held secret (round-2 review: the secret was read back guess by guess)", () => {
  const formsOfSecret = Object.values(forms);
  // For every form and every prefix length: the guess that begins the form and one
  // that does not (its last byte changed) come out in the same pieces.
  for (const form of formsOfSecret) {
    test(`guesses at ${form.slice(0, 12)}…`, async () => {
      for (let length = 1; length < Math.min(form.length, 40); length++) {
        const right = form.slice(0, length);
        const wrong = right.slice(0, -1) + (right.endsWith("#") ? "~" : "#");
        for (const lead of ["Q", "id: 1\nQ", "x".repeat(500)]) {
          const a = await pipe([lead + right, "|"]);
          const b = await pipe([lead + wrong, "|"]);
          expect(a.perChunk.map((piece) => piece.length)).toEqual(b.perChunk.map((piece) => piece.length));
        }
      }
    });
  }
  test("a multi-line held secret is held across line breaks (its forms hold one), still the same for every guess", async () => {
    const pem = "-----BEGIN KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAw\n-----END KEY-----";
    const stream = buildHeldSecretForms([pem]);
    const run = async (chunks: string[]) => {
      const redactor = createHeldTextRedactor(stream);
      return [...chunks.map((chunk) => redactor.push(chunk)), redactor.end()];
    };
    const whole = await run([`a${pem.slice(0, 25)}`, `${pem.slice(25)}b`]);
    expect(whole.join("")).toBe(`a${HELD_MARKER}b`);
    const right = await run([`Q${pem.slice(0, 22)}`, "|"]);
    const wrong = await run([`Q${pem.slice(0, 21)}#`, "|"]);
    expect(right.map((piece) => piece.length)).toEqual(wrong.map((piece) => piece.length));
  });
});

test("redactHeldText replaces every form in a header value", () => {
  expect(redactHeldText(`Bearer ${secret}, b=${forms.hex}`, held)).toBe(`Bearer ${HELD_MARKER}, b=${HELD_MARKER}`);
});
