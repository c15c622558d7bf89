import { join } from "node:path";

/**
 * The command git runs as the mirror's pre-receive hook: this same program, as
 * `bottle gate git-hook`. A compiled binary is its own entry point; from source it is
 * Bun running the CLI's `main.ts` (tests, `bun run bottle`).
 */
export function hookCommand(): string[] {
  // Bun 1.4.5 serves a compiled binary's modules from `/$bunfs/`.
  const compiled = import.meta.path.includes("$bunfs");
  return compiled
    ? [process.execPath, "gate", "git-hook"]
    : [process.execPath, join(import.meta.dir, "../../../cli/main.ts"), "gate", "git-hook"];
}

/** The hook script: one `exec` of the command, each word quoted for `/bin/sh`. */
export function hookScript(argv: readonly string[]): string {
  const quoted = argv.map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(" ");
  return `#!/bin/sh\n# Written by the bottle gate: every ref update of a push is decided by the gate.\nexec ${quoted}\n`;
}
