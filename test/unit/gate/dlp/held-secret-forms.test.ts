import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { FakeSource } from "./fake-credentials.ts";

/** Held secrets of any length and content get an index for their exact forms
 * (`exact-form-index.test.ts` holds the differential test of the search itself). */

const source = new FakeSource(9);

describe("held secret forms: long secrets", () => {
  test("long held secrets: a 3 KiB one is found raw and in base64, alone and beside a 64 KiB one (JSC refused a regex of its forms; the scanner must not stop)", () => {
    const secret = source.token(3072);
    const scanner = createScanner({ heldSecrets: [secret, source.token(65_536)] });
    const alone = createScanner({ heldSecrets: [secret] });
    expect(alone.held.exactIndex.window).toBeGreaterThan(2000);
    const body = (text: string): Uint8Array => new TextEncoder().encode(`upload=${text}&done=1`);
    for (const each of [scanner, alone]) {
      expect(each.scanBody(body(secret), "text/plain").map((finding) => finding.kind)).toContain("held-secret");
      expect(each.scanBody(body(Buffer.from(secret).toString("base64")), "text/plain").map((finding) => finding.kind)).toContain("held-secret");
      expect(each.scanBody(body(source.token(3072)), "text/plain").map((finding) => finding.kind)).not.toContain("held-secret");
    }
  });
});
