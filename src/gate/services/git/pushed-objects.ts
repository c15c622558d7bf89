import type { Runner } from "../../../core/runner.ts";
import type { AddedText } from "./added-lines.ts";

/** By default, a push whose new blobs add up to more than this is refused unchecked. */
export const MAX_CHECKED_BYTES = 256 * 1024 * 1024;

/** What a push brings, read from receive-pack's quarantine alone. */
export type PushedObjects =
  | { ok: true; blobBytes: number; headers: AddedText[] }
  | { ok: false; reason: "too-large" | "unreadable-push"; message: string };

/** Where git reads the push: the mirror as cwd, the quarantine alone as its object store. */
export interface QuarantineAccess {
  runner: Runner;
  cwd: string;
  /** `GIT_OBJECT_DIRECTORY` the quarantine and no alternates, on the hermetic env. */
  env: Record<string, string>;
  timeoutMs: number;
}

/** All of a child's stdout as bytes (the runner's captured text would re-encode binary content). */
async function bytesOf(access: QuarantineAccess, args: string[], stdin: string): Promise<{ bytes: Buffer; exitCode: number; stderr: string }> {
  const child = access.runner.start(["git", ...args], { env: access.env, cwd: access.cwd, stdin, stdio: "stream", check: false, timeoutMs: access.timeoutMs });
  const chunks: Uint8Array[] = [];
  for await (const chunk of child.stdout!) chunks.push(chunk);
  const result = await child.exited;
  return { bytes: Buffer.concat(chunks), exitCode: result.exitCode, stderr: result.stderr };
}

/**
 * Lists the objects in the push's quarantine (with no alternates: only what the agent
 * sent) and reads the headers of its commits and tags: author, committer, tagger and
 * any extra header a hand-made object carries, which `git log` never shows and
 * upstream keeps byte for byte. Blob sizes are summed first, so a push too big to
 * check (or a blob that inflates to gigabytes) is refused before `git log -p` would
 * read it into the gate's memory.
 */
export async function readPushedObjects(access: QuarantineAccess, maxBytes = MAX_CHECKED_BYTES): Promise<PushedObjects> {
  const listed = await access.runner.run(["git", "cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname) %(objectsize)"], {
    env: access.env,
    cwd: access.cwd,
    check: false,
    timeoutMs: access.timeoutMs,
  });
  if (listed.exitCode !== 0) return { ok: false, reason: "unreadable-push", message: `cannot list the pushed objects: ${listed.stderr.trim().split("\n").pop()}` };
  let blobBytes = 0;
  const described: string[] = [];
  for (const line of listed.stdout.split("\n")) {
    const [type, id, size] = line.split(" ");
    if (type === "blob") blobBytes += Number(size);
    else if ((type === "commit" || type === "tag") && id !== undefined) described.push(id);
  }
  if (blobBytes > maxBytes) {
    const mib = (bytes: number) => `${Math.ceil(bytes / 1024 / 1024)} MiB`;
    return { ok: false, reason: "too-large", message: `the push adds ${mib(blobBytes)} of files, more than the gate checks (${mib(maxBytes)}); push it in smaller parts` };
  }
  const headers: AddedText[] = [];
  if (described.length === 0) return { ok: true, blobBytes, headers };
  const read = await bytesOf(access, ["cat-file", "--batch"], `${described.join("\n")}\n`);
  if (read.exitCode !== 0) return { ok: false, reason: "unreadable-push", message: `cannot read the pushed commits: ${read.stderr.trim().split("\n").pop()}` };
  // `<id> <type> <size>\n<content>\n`, one after the other; sizes are in bytes.
  const out = read.bytes;
  let at = 0;
  while (at < out.length) {
    const end = out.indexOf(10, at);
    if (end < 0) break;
    const [id = "", type = "", size = "0"] = out.subarray(at, end).toString().split(" ");
    const content = out.subarray(end + 1, end + 1 + Number(size)).toString();
    at = end + 1 + Number(size) + 1;
    const split = content.indexOf("\n\n");
    const head = content.slice(0, split < 0 ? content.length : split).split("\n");
    // tree, parent and object lines are ids the mirror resolves; the rest is text someone wrote.
    const lines = head.map((text, index) => ({ line: index + 1, text })).filter(({ text }) => !/^(tree|parent|object) [0-9a-f]+$/.test(text));
    if (lines.length > 0) headers.push({ commit: id, file: `(${type} header)`, lines });
    // `git log` re-encodes a message from the encoding its header declares: ASCII text
    // under `encoding IBM037` printed as nothing readable, and its key went upstream as
    // stored (a hunt for leaks, this round). Such a message is read as stored too.
    // A tag's message too, always: `git log` never shows one, and the caller reads only
    // the tags refs point at, so a tag of a tag carried its message up unread (a review
    // of this round).
    if (split >= 0 && (type === "tag" || head.some((text) => text.startsWith("encoding ")))) {
      const message = content.slice(split + 2).split("\n").map((text, index) => ({ line: index + 1, text }));
      headers.push({ commit: id, file: `(${type} message as stored)`, lines: message });
    }
  }
  return { ok: true, blobBytes, headers };
}
