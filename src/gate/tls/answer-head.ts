import { BLOCK_HEADER } from "../pipeline/respond.ts";

/**
 * The upstream's answer head with what the gate never passes on: the gate's own
 * block header (only the gate sends it) and held secrets in header values. An answer
 * that is not a 101 is framed again for the body the gate relays (`refusedBody`
 * bytes, possibly none) and closes the connection.
 */
export function answerHead(head: string, redact: (value: string) => string, refusedBody?: number): string {
  const upgraded = refusedBody === undefined;
  const [status = "", ...lines] = head.split("\r\n");
  const framing = /^(content-length|transfer-encoding|connection):/i;
  const kept = lines.filter((line) => line !== "" && !line.toLowerCase().startsWith(`${BLOCK_HEADER.toLowerCase()}:`) && (upgraded || !framing.test(line)));
  if (!upgraded) kept.push(`content-length: ${refusedBody}`, "connection: close");
  const redacted = kept.map((line) => {
    const colon = line.indexOf(":");
    return colon < 0 ? line : `${line.slice(0, colon + 1)} ${redact(line.slice(colon + 1).trim())}`;
  });
  return `${[status, ...redacted].join("\r\n")}\r\n\r\n`;
}
