import type { Runner } from "../../core/runner.ts";

/** The debootstrapped base `scripts/base-image.sh` makes where no registry can be reached. */
export const LOCAL_BASE_IMAGE = "bottle-base:bookworm";

/** Debian's public image, pulled by the engine at the first build. */
export const PUBLIC_BASE_IMAGE = "debian:bookworm-slim";

/**
 * The base of the default agent image: `BOTTLE_BASE_IMAGE` when set; else the local
 * base when the engine has it, so machines that cannot pull still build; else Debian's
 * public image, so a downloaded binary works with nothing made beforehand.
 */
export async function resolveBaseImage(runner: Runner, chosen: string | undefined): Promise<string> {
  if (chosen !== undefined && chosen !== "") return chosen;
  const local = await runner
    .run(["docker", "image", "inspect", "--format", "{{.Id}}", LOCAL_BASE_IMAGE], { check: false, timeoutMs: 30_000 })
    // No docker CLI at all: plans still resolve; launch then says what is missing.
    .catch(() => undefined);
  return local?.exitCode === 0 ? LOCAL_BASE_IMAGE : PUBLIC_BASE_IMAGE;
}
