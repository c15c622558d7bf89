import type { Runner } from "../core/runner.ts";
import { shellWords } from "./shell-words.ts";

/**
 * `--debug`: a runner that shows each command before it runs, as a person would type
 * it. Safe to print: secrets never travel on argv (they go by environment name).
 */
export function debugRunner(runner: Runner, log: (line: string) => void): Runner {
  return {
    run: (argv, options) => {
      log(`$ ${shellWords(argv)}`);
      return runner.run(argv, options);
    },
    start: (argv, options) => {
      log(`$ ${shellWords(argv)} &`);
      return runner.start(argv, options);
    },
    ...(runner.which === undefined ? {} : { which: (program: string) => runner.which!(program) }),
  };
}
