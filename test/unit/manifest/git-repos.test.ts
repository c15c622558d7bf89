import { describe, expect, test } from "bun:test";
import { formatProblem } from "../../../src/core/config-file.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";

const manifest = (repo: string) => `version: 1
agents:
  a: {}
bottles:
  default:
    git:
      - name: app
${repo}`;
const problems = (repo: string) => parseManifest("bottle.yaml", manifest(repo)).problems.map(formatProblem);

describe("bottles.<name>.git", () => {
  test("takes every key of the git gate, with read-only defaults", () => {
    const parsed = parseManifest("bottle.yaml", manifest("        upstream: git@github.com:org/app.git\n        key: ~/.ssh/k\n        host_key: \"github.com ssh-ed25519 AAAA\"\n"));
    expect(parsed.problems).toEqual([]);
    expect(parsed.manifest!.bottles.default!.git[0]).toEqual({
      name: "app",
      upstream: "git@github.com:org/app.git",
      key: "~/.ssh/k",
      host_key: "github.com ssh-ed25519 AAAA",
      push: [],
      force: false,
      delete: false,
      tags: false,
    });
  });

  test("an upstream that is not a git URL is named at its line", () => {
    expect(problems("        upstream: http://git.example/app.git\n")).toEqual([
      "bottle.yaml:8:19: plain http:// upstreams are refused (a token would travel in the clear): use https://",
    ]);
    expect(problems("        upstream: https://me:ghp_x@github.com/org/app.git\n")[0]).toContain("token: ${NAME}");
    expect(problems("        upstream: ./repos/app.git\n")).toEqual([]);
  });

  test("a token must be forwarded by name, never written into the manifest", () => {
    expect(problems("        upstream: https://github.com/org/app.git\n        token: ghp_literal\n")[0]).toContain("exactly ${NAME}");
    expect(problems("        upstream: https://github.com/org/app.git\n        token: ${GH_TOKEN}\n")).toEqual([]);
  });
});
