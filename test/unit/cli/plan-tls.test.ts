import { expect, test } from "bun:test";
import * as v from "valibot";
import { formatPlan } from "../../../src/cli/format-plan.ts";
import { planView } from "../../../src/cli/plan-view.ts";
import { resolveStart } from "../../../src/manifest/resolve.ts";
import { ManifestSchema } from "../../../src/manifest/schema.ts";

const GH_TOKEN = "ghp_planMustNeverShowThis0123456789abcd";

function plan(egress: unknown, backend: "docker" | "smolmachines" | "kubernetes" = "docker") {
  const manifest = v.parse(ManifestSchema, { version: 1, agents: { dev: { bottle: "work" } }, bottles: { work: { egress } } });
  const spec = resolveStart({ manifest, file: "/proj/bottle.yaml", dir: "/proj" }, { agent: "dev", identity: "dev-abcdefgh", env: { GH_TOKEN } });
  const view = planView(spec, backend, "/proj/bottle.yaml");
  return { view, text: formatPlan(view), json: JSON.stringify(view) };
}

test("bottle plan shows inspection, allow rules and credential hosts by name, never a credential's value", () => {
  const { view, text, json } = plan({
    tls: { inspect: true, passthrough: ["*.apple.com"] },
    allow: ["registry.npmjs.org", { host: "api.github.com", methods: ["GET", "POST"], paths: ["/repos/org/app/"] }],
    credentials: [{ host: "api.github.com", header: "Authorization", value: "Bearer ${GH_TOKEN}" }],
  });
  expect(view.egress.tls).toEqual({ inspect: true, passthrough: ["*.apple.com"] });
  expect(view.egress.credentials).toEqual([{ host: "api.github.com", header: "authorization", from: ["GH_TOKEN"] }]);
  expect(text).toContain("tls            inspected (passthrough: *.apple.com)");
  expect(text).toContain("credential     api.github.com: injects authorization from $GH_TOKEN");
  expect(text).toContain("egress allow   registry.npmjs.org, api.github.com (GET POST; /repos/org/app/)");
  expect(text).not.toContain(GH_TOKEN);
  expect(json).not.toContain(GH_TOKEN);
});

test("without tls the plan says HTTPS is inspected: the default", () => {
  const { view, text } = plan({ allow: ["registry.npmjs.org"] });
  expect(view.egress.tls).toEqual({ inspect: true, passthrough: [] });
  expect(text).toContain("tls            inspected\n");
  expect(text).not.toContain("credential");
});

test("with inspect: false the plan says HTTPS stays tunnelled", () => {
  const { view, text } = plan({ allow: ["registry.npmjs.org"], tls: { inspect: false } });
  expect(view.egress.tls.inspect).toBe(false);
  expect(text).toContain("tls            not inspected (tunnels)");
});

test("the plan says what the backend's gate does: smolmachines and Kubernetes inspect by default as docker does", () => {
  expect(plan({ allow: ["registry.npmjs.org"] }, "smolmachines").text).toContain("tls            inspected\n");
  expect(plan({ allow: ["registry.npmjs.org"], tls: { inspect: false } }, "smolmachines").text).toContain("tls            not inspected (tunnels)");
  expect(plan({ allow: ["registry.npmjs.org"], tls: { inspect: true } }, "smolmachines").text).toContain("tls            inspected\n");
  // The Kubernetes gate's config carries the same decision, and its agent pod gets the CA.
  expect(plan({ allow: ["registry.npmjs.org"] }, "kubernetes").text).toContain("tls            inspected\n");
  expect(plan({ allow: ["registry.npmjs.org"], tls: { inspect: false } }, "kubernetes").text).toContain("tls            not inspected (tunnels)");
});
