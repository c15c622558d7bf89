import { open } from "node:fs/promises";

/** How {@link readLines} reads: once to the end, or on and on as the file grows. */
export interface ReadLinesOptions {
  follow: boolean;
  signal: AbortSignal;
  /** By default, 250 ms between looks at a followed file. */
  pollMs?: number;
}

/**
 * Calls `onLine` with each complete line of `path`, then (with `follow`) with each new
 * one as the file grows, until the signal fires. A line still being written (no
 * newline yet) waits for its end; reads are by offset, so nothing is read twice.
 */
export async function readLines(path: string, onLine: (line: string) => void, options: ReadLinesOptions): Promise<void> {
  const handle = await open(path, "r");
  try {
    let offset = 0;
    let pending = "";
    const decoder = new TextDecoder();
    const buffer = new Uint8Array(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      if (bytesRead > 0) {
        offset += bytesRead;
        pending += decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const line of lines) if (line !== "") onLine(line);
        continue;
      }
      if (!options.follow || options.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs ?? 250);
        options.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (options.signal.aborted) break;
    }
    if (!options.follow && pending !== "") onLine(pending);
  } finally {
    await handle.close();
  }
}
