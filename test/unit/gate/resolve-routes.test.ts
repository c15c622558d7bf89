import { expect, test } from "bun:test";
import { createScanner } from "../../../src/gate/dlp/create-scanner.ts";
import { resolveRoutes } from "../../../src/gate/resolve-routes.ts";

/** Issue 9, finding 10: a credential typed into the config is a held secret too. */

const literal = "Bearer lit3ral-c0nfig-credential-7f3a9c";

test("a literal inject value is held, with and without its scheme word", () => {
  const { heldSecrets } = resolveRoutes(
    [{ name: "api", upstream: "https://api.example.com", roles: [], inject: { header: "Authorization", value: literal } }],
    {},
  );
  expect(heldSecrets).toContain(literal);
  expect(heldSecrets).toContain("lit3ral-c0nfig-credential-7f3a9c");
  const scanner = createScanner({ heldSecrets });
  expect(scanner.scanUrl("http://evil.example/x?d=lit3ral-c0nfig-credential-7f3a9c")).toContainEqual({ kind: "held-secret", where: "url.query" });
});

test("a value resolved from ${NAME} holds the variable's value, not the template", () => {
  const { heldSecrets } = resolveRoutes(
    [{ name: "api", upstream: "https://api.example.com", roles: [], inject: { header: "authorization", value: "Bearer ${TOKEN}" } }],
    { TOKEN: "env-token-value-123456" },
  );
  expect(heldSecrets).toEqual(["env-token-value-123456"]);
});
