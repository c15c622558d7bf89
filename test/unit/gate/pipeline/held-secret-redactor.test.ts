import { expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { createResponseRedactor, REDACTED_MARKER } from "../../../../src/gate/pipeline/held-secret-redactor.ts";

const SECRET = "sk-held-0123456789abcdefXYZ";
const redactor = createResponseRedactor(createScanner({ heldSecrets: [SECRET] }))!;

/** `text` cut at `cuts`, through one body's redacting stream. */
async function streamed(text: string, cuts: number[]): Promise<string> {
  const bytes = Buffer.from(text);
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      let at = 0;
      for (const cut of [...cuts, bytes.length]) {
        controller.enqueue(bytes.subarray(at, cut));
        at = cut;
      }
      controller.close();
    },
  });
  return new Response(source.pipeThrough(redactor.body())).text();
}

test("no held secret, no redactor", () => {
  expect(createResponseRedactor(createScanner({ heldSecrets: [] }))).toBeUndefined();
  expect(createResponseRedactor(createScanner({ heldSecrets: ["short"] }))).toBeUndefined();
});

test("a secret split at every possible chunk boundary is redacted", async () => {
  const text = `before ${SECRET} after`;
  for (let cut = 1; cut < text.length; cut++) expect(await streamed(text, [cut])).toBe(`before ${REDACTED_MARKER} after`);
  expect(await streamed(text, Array.from({ length: text.length - 1 }, (_, i) => i + 1))).toBe(`before ${REDACTED_MARKER} after`);
});

test("encoded forms are redacted too: percent, hex, base64", async () => {
  for (const form of [encodeURIComponent(SECRET), Buffer.from(SECRET).toString("hex"), Buffer.from(SECRET).toString("base64")]) {
    expect(await streamed(`x${form}y`, [5])).not.toContain(form.slice(0, 16));
  }
});

test("a chunk ending in a line break passes at once, so an event is never held; a line's unfinished end waits for the rest", async () => {
  const stream = redactor.body();
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  void writer.write(new TextEncoder().encode("data: {}\n\n"));
  expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: {}\n\n");
  // Held whether or not it could begin the secret (the hold must say nothing of it).
  void writer.write(new TextEncoder().encode("id: 2\ndata: sk-he"));
  expect(new TextDecoder().decode((await reader.read()).value)).toBe("id: 2\n");
  void writer.write(new TextEncoder().encode("llo\n\n"));
  expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: sk-hello\n\n");
});

test("headers are redacted", () => {
  expect(redactor.header(`Bearer ${SECRET}`)).toBe(`Bearer ${REDACTED_MARKER}`);
  expect(redactor.header("nothing here")).toBe("nothing here");
});
