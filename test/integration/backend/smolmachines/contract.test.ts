import { afterAll, beforeAll } from "bun:test";
import { smolmachinesBackend } from "../../../../src/backend/smolmachines/index.ts";
import { runBackendContract } from "../../../helpers/backend-contract.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { disposeWorld, smolDeps, smolLeftovers, smolSpec, smolWorld, type SmolWorld } from "./fixtures.ts";

describeEngine("smolmachines backend contract (fake smolvm on PATH)", () => {
  let world: SmolWorld;
  beforeAll(async () => {
    world = await smolWorld();
  }, 300_000);
  afterAll(() => disposeWorld(world));
  runBackendContract(async () => ({
    backend: smolmachinesBackend,
    deps: () => smolDeps(world),
    spec: () => smolSpec(world),
    leftovers: smolLeftovers,
  }));
});
