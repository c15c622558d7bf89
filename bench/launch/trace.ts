/**
 * One warm `bottle --debug start --detach`, each line of its trace stamped with the ms
 * since the CLI was started: where a start's time goes (which engine question waits on
 * which). Uses the binary compiled from the current source, like run.ts.
 *
 *   bun bench/launch/trace.ts [--runs N]
 */
import { parseArgs } from "node:util";
import { processRunner } from "../../src/core/runner.ts";
import { benchWorld } from "./bench-world.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "1" } } });
const { root, binary, env, bottle } = await benchWorld("trace");

// Warm-up: builds the gate image once, like any first start.
const warm = JSON.parse((await bottle(["start", "--detach", "--json"])).stdout) as { identity: string };
await bottle(["stop", warm.identity]);

for (let run = 0; run < Number(values.runs); run++) {
  const start = performance.now();
  const stamp = () => (performance.now() - start).toFixed(0).padStart(5);
  let pending = "";
  const result = await processRunner.run([binary, "--debug", "start", "--detach", "--json"], {
    env,
    cwd: root,
    onOutput(chunk, stream) {
      if (stream !== "stderr") return;
      const lines = (pending + chunk).split("\n");
      pending = lines.pop()!;
      for (const line of lines) console.log(`${stamp()} ${line}`);
    },
  });
  console.log(`${stamp()} ready`);
  const { identity } = JSON.parse(result.stdout) as { identity: string };
  await bottle(["stop", identity]);
}
await bottle(["cleanup", "--yes", "--all"]);
