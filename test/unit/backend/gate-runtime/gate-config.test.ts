import { expect, test } from "bun:test";
import * as v from "valibot";
import { gateConfig } from "../../../../src/backend/gate-runtime/gate-config.ts";
import { GateConfigSchema } from "../../../../src/gate/config-schema.ts";
import { buildGeneration } from "../../../../src/gate/gate-generation.ts";
import { BottleSchema } from "../../../../src/manifest/schema.ts";

test("a bottle's dlp settings reach the gate: its config file validates with them, and the generation built from it carries the scan budget", () => {
  const budgeted = v.parse(BottleSchema, { egress: { dlp: { action: "warn", scan_budget_ms: 1500 } } });
  const plain = v.parse(BottleSchema, { egress: {} });
  const generation = (bottle: typeof plain) => buildGeneration(v.parse(GateConfigSchema, JSON.parse(JSON.stringify(gateConfig(bottle.egress)))).egress, {});
  expect(generation(budgeted)).toMatchObject({ dlpAction: "warn", scanBudgetMs: 1500 });
  expect(generation(plain)).toMatchObject({ dlpAction: "block", scanBudgetMs: undefined });
});
