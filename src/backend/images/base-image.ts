import type { Runner } from "../../core/runner.ts";
import { imagePresent } from "./image-commands.ts";

/** The debootstrapped base `scripts/base-image.sh` makes where no registry can be reached. */
export const LOCAL_BASE_IMAGE = "bottle-base:bookworm";

/** Debian's public image, pulled by the engine at the first build. */
export const PUBLIC_BASE_IMAGE = "debian:bookworm-slim";

/**
 * The base of the default agent image: `BOTTLE_BASE_IMAGE` when set; else the local
 * base when the engine has it, so machines that cannot pull still build; else Debian's
 * public image, so a downloaded binary works with nothing made beforehand. `present`
 * asks the engine another way (docker's API); by default, `docker image inspect`.
 */
export async function resolveBaseImage(
  runner: Runner,
  chosen: string | undefined,
  present: (ref: string) => Promise<boolean> = (ref) => imagePresent(runner, ref),
): Promise<string> {
  if (chosen !== undefined && chosen !== "") return chosen;
  return (await present(LOCAL_BASE_IMAGE)) ? LOCAL_BASE_IMAGE : PUBLIC_BASE_IMAGE;
}
