/**
 * `bun run build`: compiles `dist/bottle` for this machine, the binary the README's
 * quick start runs. `scripts/release.ts` builds every platform.
 */
import { join } from "node:path";
import { compile, reportFailure, ROOT } from "./compile.ts";

try {
  console.log(`built ${await compile({ outfile: join(ROOT, "dist/bottle") })}`);
} catch (error) {
  process.exitCode = reportFailure("build", error);
}
