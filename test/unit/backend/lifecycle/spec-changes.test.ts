import { describe, expect, test } from "bun:test";
import { specChanges } from "../../../../src/backend/lifecycle/spec-changes.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

const egress = (allow: string[]) => ({ allow, deny: [], allow_cidrs: [], routes: [], dlp: { action: "block" as const } });

describe("specChanges", () => {
  test("nothing changed: no lines", () => {
    const spec = testSpec({ identity: "a-aaaaaaaa", agent: { image: "x:1" } });
    expect(specChanges(spec, { ...spec })).toEqual([]);
  });

  test("egress, env names (never values), resources and image each say what changed", () => {
    const before = testSpec({ identity: "a-aaaaaaaa", agent: { image: "x:1", env: { A: "one" } }, bottle: { egress: egress(["a.example"]) } });
    const after = testSpec({
      identity: "a-aaaaaaaa",
      agent: { image: "x:2", env: { A: "two", B: "secret-literal" } },
      bottle: { egress: egress(["b.example"]), resources: { memory: "2g" } },
    });
    const lines = specChanges(before, after).map((change) => change.text);
    expect(lines).toContain("image: x:1 -> x:2");
    expect(lines).toContain("egress allow: + b.example, - a.example");
    expect(lines).toContain("env: + B");
    expect(lines).toContain("resources: cpus default, memory default -> cpus default, memory 2g");
    expect(lines.join("\n")).not.toContain("secret-literal");
  });

  test("the DLP action and scan budget each say what changed", () => {
    const before = testSpec({ identity: "a-aaaaaaaa", agent: { image: "x:1" }, bottle: { egress: egress([]) } });
    const after = testSpec({ identity: "a-aaaaaaaa", agent: { image: "x:1" }, bottle: { egress: { ...egress([]), dlp: { action: "warn", scan_budget_ms: 2000 } } } });
    expect(specChanges(before, after).map((change) => change.text)).toEqual(["dlp: block -> warn", "dlp scan budget: default -> 2000 ms"]);
  });
});
