import { BLOCK_HEADER } from "../pipeline/respond.ts";

/**
 * The upstream's answer head with what the gate never passes on: the gate's own
 * block header (only the gate sends it) and held secrets anywhere in it. An answer
 * that is not a 101 is framed again for the body the gate relays (`refusedBody`
 * bytes, possibly none) and closes the connection.
 */
export function answerHead(head: string, redact: (value: string) => string, refusedBody?: number, namesSecret: (name: string) => boolean = (name) => redact(name) !== name): string {
  const upgraded = refusedBody === undefined;
  const [status = "", ...lines] = head.split("\r\n");
  const framing = /^(content-length|transfer-encoding|connection):/i;
  const kept = lines.filter((line) => line !== "" && !line.toLowerCase().startsWith(`${BLOCK_HEADER.toLowerCase()}:`) && (upgraded || !framing.test(line)));
  if (!upgraded) kept.push(`content-length: ${refusedBody}`, "connection: close");
  // The reason phrase, a line without a colon and a header's name are the upstream's
  // text too: an upgrade answer's `401 Bad credential Bearer …` reached the agent as
  // sent, where a plain answer's reason phrase is redacted (a hunt for leaks, this
  // round). A header whose name holds a secret is dropped (no redaction makes a name).
  const code = /^(HTTP\/\d(?:\.\d)? \d{3} ?)(.*)$/.exec(status);
  const statusLine = code === null ? redact(status) : `${code[1]}${redact(code[2] as string)}`;
  const redacted: string[] = [];
  for (const line of kept) {
    const colon = line.indexOf(":");
    if (colon < 0) redacted.push(redact(line));
    else if (!namesSecret(line.slice(0, colon))) redacted.push(`${line.slice(0, colon + 1)} ${redact(line.slice(colon + 1).trim())}`);
  }
  return `${[statusLine, ...redacted].join("\r\n")}\r\n\r\n`;
}
