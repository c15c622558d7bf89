import type { Runner } from "../../../core/runner.ts";
import { knownHostsPattern } from "./parse-upstream.ts";

const KEY_TYPE = /^(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp(?:256|384|521)|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;
const KEY_DATA = /^[A-Za-z0-9+/]+={0,3}$/;

/** What {@link pinHostKeys} answers: known_hosts text, or why the keys are unusable. */
export type PinnedHostKeys = { ok: true; knownHosts: string } | { ok: false; message: string };

/**
 * The known_hosts file the gate's ssh checks against, for exactly this upstream's
 * host: each `host_key` line (`github.com ssh-ed25519 AAAA…`, or just the type and
 * key) becomes `<pattern> <type> <key>`, with the host pattern ssh will look up
 * (`[host]:port` off port 22) whatever host the line named. Markers
 * (`@cert-authority`, `@revoked`) and comments are refused, not half-read.
 */
export function pinHostKeys(upstream: { host: string; port: number | undefined }, hostKeys: string): PinnedHostKeys {
  const pattern = knownHostsPattern(upstream);
  const lines: string[] = [];
  for (const raw of hostKeys.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    if (fields[0]!.startsWith("@")) return { ok: false, message: `a host key marker (${fields[0]}) is not supported: give the key itself` };
    const [type, key] = KEY_TYPE.test(fields[0]!) ? fields : fields.slice(1);
    if (type === undefined || key === undefined || !KEY_TYPE.test(type) || !KEY_DATA.test(key)) {
      return { ok: false, message: "not an ssh host key: expected a known_hosts line such as `github.com ssh-ed25519 AAAA…`" };
    }
    lines.push(`${pattern} ${type} ${key}`);
  }
  if (lines.length === 0) return { ok: false, message: "no host key given" };
  return { ok: true, knownHosts: `${lines.join("\n")}\n` };
}

/**
 * The host's keys from a known_hosts file (by default the user's
 * `~/.ssh/known_hosts`), as `type key` lines, found by `ssh-keygen -F` so hashed
 * entries and `[host]:port` count; an empty string when the host is not there.
 */
export async function lookupHostKeys(runner: Runner, file: string, upstream: { host: string; port: number | undefined }): Promise<string> {
  const result = await runner.run(["ssh-keygen", "-F", knownHostsPattern(upstream), "-f", file], { check: false, timeoutMs: 10_000 });
  if (result.exitCode !== 0) return "";
  return result.stdout
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => line.trim().split(/\s+/).slice(1, 3).join(" "))
    .filter((line) => !line.startsWith("@"))
    .join("\n");
}
