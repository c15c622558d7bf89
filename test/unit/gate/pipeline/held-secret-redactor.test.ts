import { expect, test } from "bun:test";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { bodyRedactor, createResponseRedactor, REDACTED_MARKER } from "../../../../src/gate/pipeline/held-secret-redactor.ts";

const SECRET = "sk-held-0123456789abcdefXYZ";
const redactor = createResponseRedactor([SECRET])!;

const forms = buildHeldSecretForms([SECRET]).exact.map((form) => Buffer.from(form));

function streamed(text: string, cuts: number[]): string {
  const body = bodyRedactor(forms);
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    out.push(Buffer.from(body.push(bytes.subarray(at, cut))));
    at = cut;
  }
  out.push(Buffer.from(body.end()));
  return Buffer.concat(out).toString();
}

test("no held secret, no redactor", () => {
  expect(createResponseRedactor([])).toBeUndefined();
  expect(createResponseRedactor(["short"])).toBeUndefined();
});

test("a secret split at every possible chunk boundary is redacted", () => {
  const text = `before ${SECRET} after`;
  for (let cut = 1; cut < text.length; cut++) expect(streamed(text, [cut])).toBe(`before ${REDACTED_MARKER} after`);
  // One byte per chunk.
  expect(streamed(text, Array.from({ length: text.length - 1 }, (_, i) => i + 1))).toBe(`before ${REDACTED_MARKER} after`);
});

test("encoded forms are redacted too: percent, hex, base64", () => {
  for (const form of [encodeURIComponent(SECRET), Buffer.from(SECRET).toString("hex"), Buffer.from(SECRET).toString("base64")]) {
    expect(streamed(`x${form}y`, [5])).not.toContain(form.slice(0, 16));
  }
});

test("a chunk that cannot begin a secret passes at once, so an event is never held", () => {
  const body = bodyRedactor(forms);
  expect(Buffer.from(body.push(Buffer.from("data: {}\n\n"))).toString()).toBe("data: {}\n\n");
  // A tail that could begin the secret waits for the next chunk.
  expect(Buffer.from(body.push(Buffer.from("data: sk-he"))).toString()).toBe("data: ");
  expect(Buffer.from(body.push(Buffer.from("llo\n\n"))).toString()).toBe("sk-hello\n\n");
});

test("the body stream redacts what flows through it", async () => {
  const chunks = [`a ${SECRET.slice(0, 5)}`, `${SECRET.slice(5)} b`];
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  expect(await new Response(source.pipeThrough(redactor.body())).text()).toBe(`a ${REDACTED_MARKER} b`);
});

test("headers are redacted", () => {
  expect(redactor.header(`Bearer ${SECRET}`)).toBe(`Bearer ${REDACTED_MARKER}`);
  expect(redactor.header("nothing here")).toBe("nothing here");
});
