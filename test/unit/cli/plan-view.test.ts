import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { formatPlan } from "../../../src/cli/format-plan.ts";
import { planView } from "../../../src/cli/plan-view.ts";
import { resolveStart } from "../../../src/manifest/resolve.ts";
import { ManifestSchema } from "../../../src/manifest/schema.ts";

const manifest = v.parse(ManifestSchema, {
  version: 1,
  agents: {
    dev: {
      image: { dockerfile: "images/Dockerfile" },
      command: ["claude", "-p"],
      skills: ["./skills/review"],
      env: { EDITOR: "vi", GH_TOKEN: "${GH_TOKEN}" },
      bottle: "work",
    },
  },
  bottles: {
    work: {
      runtime: "runc",
      resources: { cpus: 2, memory: "4g" },
      egress: {
        allow: ["github.com"],
        allow_cidrs: ["10.0.0.0/8"],
        routes: [
          { name: "literal", upstream: "https://api.example.com", inject: { header: "x-api-key", value: "sk-literal-123" } },
          { name: "mixed", upstream: "https://other.example.com", inject: { header: "authorization", value: "Token ${A_KEY}:${B_KEY}" } },
        ],
        dlp: { action: "warn" },
      },
      git: [{ name: "app", upstream: "git@github.com:org/app.git", key: "~/.ssh/deploy", push: ["bottle/*"] }],
      supervise: true,
    },
  },
});
const loaded = { manifest, file: "/proj/bottle.yaml", dir: "/proj" };
const spec = resolveStart(loaded, { agent: "dev", copyFrom: "/proj", prompt: "fix it", identity: "dev-abcdefgh", env: { GH_TOKEN: "ghp_secretvalue" } });

describe("planView", () => {
  const view = planView(spec, "docker", loaded.file);

  test("resolves the Dockerfile and skills against the manifest's folder", () => {
    expect(view.image).toEqual({ dockerfile: "/proj/images/Dockerfile", context: "/proj/images" });
    expect(view.skills).toEqual(["/proj/skills/review"]);
  });

  test("carries the bottle's settings", () => {
    expect(view).toMatchObject({
      identity: "dev-abcdefgh",
      mode: "prompt",
      workspace: { copyFrom: "/proj" },
      runtime: "runc",
      resources: { cpus: 2, memory: "4g" },
      egress: { allow: ["github.com"], allowCidrs: ["10.0.0.0/8"], dlp: "warn" },
      git: [{ name: "app", upstream: "git@github.com:org/app.git", push: ["bottle/*"] }],
      supervise: true,
      env: { literal: ["EDITOR"], forwarded: ["GH_TOKEN"] },
    });
  });

  test("shows which header a route injects and from which variables, never the value", () => {
    expect(view.egress.routes).toEqual([
      { name: "literal", upstream: "https://api.example.com", roles: [], injectHeader: "x-api-key", injectFrom: [] },
      { name: "mixed", upstream: "https://other.example.com", roles: [], injectHeader: "authorization", injectFrom: ["A_KEY", "B_KEY"] },
    ]);
    const everything = JSON.stringify(view) + formatPlan(view);
    for (const value of ["sk-literal-123", "Token", "ghp_secretvalue", "vi\n"]) expect(everything).not.toContain(value);
  });
});

describe("formatPlan", () => {
  test("aligns every value in one column", () => {
    const lines = formatPlan(planView(spec, "smolmachines", loaded.file)).trimEnd().split("\n");
    const column = "env forwarded  ".length;
    for (const line of lines) {
      expect(line.slice(0, column).trimEnd()).not.toContain("  ");
      expect(line[column - 1]).toBe(" ");
      expect(line[column]).not.toBe(" ");
    }
    expect(lines).toContain("image          build /proj/images/Dockerfile (context /proj/images)");
    expect(lines).toContain("git            app -> git@github.com:org/app.git via the gate's /git/app.git (push: bottle/*; no force, delete or tags)");
    expect(lines).toContain("resources      cpus 2, memory 4g");
    expect(lines).toContain("route          mixed -> https://other.example.com, injects authorization from $A_KEY, $B_KEY");
  });
});
