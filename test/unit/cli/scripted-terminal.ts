import { PassThrough, Writable } from "node:stream";
import type { PromptIO } from "../../../src/cli/picker/prompt.ts";

/** One step of a script: once the screen shows `when`, type `keys`. */
export interface ScriptStep {
  when: string | RegExp;
  keys: string;
}

/** Key sequences as a terminal sends them. */
export const KEY = { up: "\x1b[A", down: "\x1b[B", left: "\x1b[D", right: "\x1b[C", enter: "\r", escape: "\x1b", ctrlC: "\x03" } as const;

/**
 * A terminal driven by a script, for prompts' `input`/`output`: each step's keys are
 * typed only once its text has been drawn (typed earlier, readline would hand them all
 * to the first prompt). `screen` is everything drawn, ANSI codes stripped.
 */
export function scriptedTerminal(steps: ScriptStep[]) {
  const input = new PassThrough();
  let drawn = "";
  let next = 0;
  const output = new Writable({
    write(chunk, _encoding, done) {
      drawn += Bun.stripANSI(chunk.toString());
      const step = steps[next];
      if (step !== undefined && (typeof step.when === "string" ? drawn.includes(step.when) : step.when.test(drawn))) {
        next += 1;
        // After the prompt finished drawing and listens for keys.
        setTimeout(() => input.write(step.keys), 0);
      }
      done();
    },
  });
  const io: PromptIO = { input, output };
  return { io, screen: () => drawn, pending: () => steps.length - next };
}
