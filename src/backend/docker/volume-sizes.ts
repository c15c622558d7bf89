import type { Runner } from "../../core/runner.ts";

/**
 * Every volume's size as the engine reports it (`docker system df -v`, `100kB`), by
 * name. Only `cleanup --all`'s listing asks: the engine walks every volume for it.
 */
export async function volumeSizes(runner: Runner): Promise<Map<string, string>> {
  const result = await runner.run(["docker", "system", "df", "--verbose", "--format", "{{json .Volumes}}"], { check: false, timeoutMs: 60_000 });
  const sizes = new Map<string, string>();
  if (result.exitCode !== 0) return sizes;
  try {
    for (const volume of JSON.parse(result.stdout.trim() || "[]") as { Name?: string; Size?: string }[]) {
      if (volume.Name !== undefined && volume.Size !== undefined) sizes.set(volume.Name, volume.Size);
    }
  } catch {
    // An engine that prints something else: sizes are a courtesy, not a reason to fail.
  }
  return sizes;
}
