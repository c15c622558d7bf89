import { describe, expect, test } from "bun:test";
import { LOCAL_BASE_IMAGE, PUBLIC_BASE_IMAGE, resolveBaseImage } from "../../../../src/backend/images/base-image.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

describe("resolveBaseImage", () => {
  test("BOTTLE_BASE_IMAGE wins and asks the engine nothing", async () => {
    const { runner, calls } = recordingRunner();
    expect(await resolveBaseImage(runner, "corp/debian:12")).toBe("corp/debian:12");
    expect(calls).toHaveLength(0);
  });

  test("the local debootstrapped base when the engine has it", async () => {
    const { runner, calls } = recordingRunner([{ match: /image inspect/, stdout: "sha256:abc\n" }]);
    expect(await resolveBaseImage(runner, undefined)).toBe(LOCAL_BASE_IMAGE);
    expect(calls[0]?.argv).toContain(LOCAL_BASE_IMAGE);
  });

  test("Debian's public image when there is no local base", async () => {
    const { runner } = recordingRunner([{ match: /image inspect/, exitCode: 1, stderr: "Error: No such image" }]);
    expect(await resolveBaseImage(runner, "")).toBe(PUBLIC_BASE_IMAGE);
  });
});
