import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withAllowedHost } from "../../../../src/cli/supervise/with-allowed-host.ts";

const root = mkdtempSync(join(tmpdir(), "bottle-save-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function manifest(text: string): string {
  const file = join(root, `${crypto.randomUUID()}.yaml`);
  writeFileSync(file, text);
  return file;
}

const BLOCK = `# my bottles
version: 1
agents:
  claude: {}   # the only one
bottles:
  default:
    egress:
      # hosts we trust
      allow:
        - github.com   # code
      deny: []
`;

test("adds the host to a block list, keeping every comment and the rest of the layout", () => {
  const next = withAllowedHost(manifest(BLOCK), "default", "api.example.com")!;
  expect(next).toBe(BLOCK.replace("        - github.com   # code\n", "        - github.com   # code\n        - api.example.com\n"));
});

test("a flow list stays a flow list; an entry already there changes nothing", () => {
  const file = manifest("version: 1\nagents: { claude: {} }\nbottles:\n  default:\n    egress: { allow: [a.example] }  # keep\n");
  expect(withAllowedHost(file, "default", "b.example")).toBe("version: 1\nagents: { claude: {} }\nbottles:\n  default:\n    egress: { allow: [a.example, b.example] }  # keep\n");
  expect(withAllowedHost(file, "default", "a.example")).toBeUndefined();
});

test("a bottle with no egress.allow yet gets one", () => {
  const next = withAllowedHost(manifest("version: 1\nagents:\n  claude: {}\nbottles:\n  default:\n    runtime: runc  # fast\n"), "default", "c.example")!;
  expect(next).toContain("runtime: runc # fast");
  expect(next).toContain("egress:\n      allow:\n        - c.example\n");
});

test("a manifest relying on the built-in default bottle is refused (writing one would drop its routes)", () => {
  expect(() => withAllowedHost(manifest("version: 1\nagents:\n  claude: {}\n"), "default", "d.example")).toThrow(/does not define the bottle default/);
});

test("a wildcard is quoted so YAML does not read it as an alias; an empty flow list takes it", () => {
  const file = manifest("version: 1\nagents: { claude: {} }\nbottles:\n  default:\n    egress:\n      allow: []\n");
  expect(withAllowedHost(file, "default", "*.example.com")).toBe('version: 1\nagents: { claude: {} }\nbottles:\n  default:\n    egress:\n      allow: ["*.example.com"]\n');
});
