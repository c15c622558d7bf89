/** By default, the proxy reads (and holds for the scan) at most the first 1 MiB of a
 * request body before streaming the rest: enough for any API request an agent makes,
 * bounded so a huge upload cannot hold gate memory. What lies past it is not scanned;
 * the scan's `incomplete` list is where that is said. */
export const MAX_SCANNED_BODY = 1024 * 1024;

/** Whether the body is form-encoded (`a=1&b=2`, percent- and `+`-encoded). */
export function isFormContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/x-www-form-urlencoded/i.test(contentType.trim());
}
