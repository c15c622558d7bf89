import { beforeAll } from "bun:test";
import { smolmachinesBackend } from "../../../../src/backend/smolmachines/index.ts";
import { runBackendContract } from "../../../helpers/backend-contract.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "./fixtures.ts";

describeEngine("smolmachines backend contract (fake smolvm on PATH)", () => {
  let world: SmolWorld;
  beforeAll(async () => {
    world = await smolWorld();
  }, 300_000);
  runBackendContract(async () => ({
    backend: smolmachinesBackend,
    deps: () => smolDeps(world),
    spec: () => smolSpec(world),
    leftovers: smolLeftovers,
  }));
});
