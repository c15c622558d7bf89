import type { Runner } from "../../core/runner.ts";

/**
 * Runs `argv` and calls `onLine` with each complete line of its stdout as it arrives
 * (the last one too, without its newline); resolves with its exit code and its stderr.
 * For an audit log read from a gate by exec, `--follow` included.
 */
export async function streamLines(runner: Runner, argv: string[], onLine: (line: string) => void, signal?: AbortSignal): Promise<{ exitCode: number; stderr: string }> {
  let pending = "";
  const child = runner.start(argv, {
    check: false,
    ...(signal === undefined ? {} : { signal }),
    onOutput: (chunk, stream) => {
      if (stream !== "stdout") return;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) if (line !== "") onLine(line);
    },
  });
  const result = await child.exited;
  if (pending !== "") onLine(pending);
  return { exitCode: result.exitCode, stderr: result.stderr };
}
