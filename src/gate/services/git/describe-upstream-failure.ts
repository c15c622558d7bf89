/** Lines git and ssh add around the cause, which say nothing the agent can act on. */
const NOISE = [
  /^fatal: Could not read from remote repository\.?$/,
  /^Please make sure you have the correct access rights$/,
  /^and the repository exists\.?$/,
  /^Cloning into/,
  /^Warning: Permanently added/,
  /^Could not create directory/,
  /^Failed to add the host to the list of known hosts/,
  /^error: failed to push some refs/,
  /^@+$/,
  /^To /,
];

/** `text` with every one of `secrets` cut out, should an upstream ever echo one. */
export function withoutSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length > 0) out = out.split(secret).join("[REDACTED]");
  return out;
}

/**
 * Why the gate could not talk to an upstream, as one line for the agent's git:
 * `bottle gate: upstream <url> unreachable: <cause>`, or a sharper sentence when ssh
 * saw a host key other than the pinned one or the upstream refused the gate's key or
 * token. `secrets` are cut from the text, should the upstream ever echo one.
 */
export function describeUpstreamFailure(url: string, stderr: string, timedOut: boolean, secrets: readonly string[] = []): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.replace(/^remote: /, "").trim())
    .filter((line) => line !== "" && !NOISE.some((noise) => noise.test(line)));
  const detail = withoutSecrets(lines.slice(0, 3).join("; ").slice(0, 400), secrets);
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed|No .* host key is known/i.test(stderr)) {
    return `bottle gate: upstream ${url}: its host key does not match the pinned host_key, refusing to connect (${detail})`;
  }
  if (/Permission denied \(|Authentication failed|returned error: 40[13]|could not read Username/i.test(stderr)) {
    return `bottle gate: upstream ${url} refused the gate's credentials: ${detail}`;
  }
  if (timedOut) return `bottle gate: upstream ${url} unreachable: no answer in time${detail === "" ? "" : ` (${detail})`}`;
  return `bottle gate: upstream ${url} unreachable: ${detail === "" ? "git failed without a message" : detail}`;
}
