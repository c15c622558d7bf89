import type { Runner } from "../../core/runner.ts";

/**
 * Runs `argv` and calls `onLine` with each complete line of its stdout as it arrives
 * (the last one too, without its newline); resolves with its exit code and its stderr.
 * For an audit log read from a gate by exec, `--follow` included: `holdStdin` keeps the
 * child's stdin open until `signal`, so the command at the far end can tell its reader left.
 */
export async function streamLines(
  runner: Runner,
  argv: string[],
  onLine: (line: string) => void,
  options: { signal?: AbortSignal | undefined; holdStdin?: boolean } = {},
): Promise<{ exitCode: number; stderr: string }> {
  let pending = "";
  const { signal } = options;
  // Held open until the signal: a follower in the gate ends when it ends (see `bottle gate audit`).
  const stdin = options.holdStdin === true ? new ReadableStream<Uint8Array>({ start: (controller) => signal?.addEventListener("abort", () => controller.close(), { once: true }) }) : undefined;
  const child = runner.start(argv, {
    check: false,
    ...(stdin === undefined ? {} : { stdin }),
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
