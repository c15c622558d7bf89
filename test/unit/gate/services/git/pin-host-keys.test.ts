import { describe, expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../../../src/core/runner.ts";
import { lookupHostKeys, pinHostKeys } from "../../../../../src/gate/services/git/pin-host-keys.ts";

const KEY = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

describe("pinHostKeys", () => {
  test("pins each key to the host pattern ssh will look up, whatever host the line named", () => {
    const pinned = pinHostKeys({ host: "127.0.0.1", port: 2222 }, `github.com ssh-ed25519 ${KEY}\n# comment\necdsa-sha2-nistp256 AAAAE2Vj`);
    expect(pinned).toEqual({ ok: true, knownHosts: `[127.0.0.1]:2222 ssh-ed25519 ${KEY}\n[127.0.0.1]:2222 ecdsa-sha2-nistp256 AAAAE2Vj\n` });
  });

  test("refuses markers, junk and nothing", () => {
    expect(pinHostKeys({ host: "h", port: undefined }, `@cert-authority * ssh-ed25519 ${KEY}`)).toMatchObject({ ok: false });
    expect(pinHostKeys({ host: "h", port: undefined }, "github.com not-a-key")).toMatchObject({ ok: false });
    expect(pinHostKeys({ host: "h", port: undefined }, "# only a comment\n")).toEqual({ ok: false, message: "no host key given" });
  });
});

describe("lookupHostKeys", () => {
  test("finds plain, hashed and [host]:port entries with real ssh-keygen, and nothing for other hosts", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-known-hosts-"));
    const file = join(dir, "known_hosts");
    await writeFile(file, `github.com ssh-ed25519 ${KEY}\n[127.0.0.1]:2222 ssh-ed25519 ${KEY}\n`);
    expect(await lookupHostKeys(processRunner, file, { host: "github.com", port: undefined })).toBe(`ssh-ed25519 ${KEY}`);
    expect(await lookupHostKeys(processRunner, file, { host: "127.0.0.1", port: 2222 })).toBe(`ssh-ed25519 ${KEY}`);
    expect(await lookupHostKeys(processRunner, file, { host: "127.0.0.1", port: undefined })).toBe("");
    await processRunner.run(["ssh-keygen", "-H", "-f", file]);
    expect(await lookupHostKeys(processRunner, file, { host: "github.com", port: undefined })).toBe(`ssh-ed25519 ${KEY}`);
  });
});
