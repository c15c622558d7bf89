import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, parseDocument, stringify, type YAMLSeq } from "yaml";
import { ConfigError } from "../../core/config-file.ts";
import { BottleError } from "../../core/errors.ts";
import { parseManifest } from "../../manifest/parse-manifest.ts";

/** Where a new entry goes in the text of an existing list, found from the parsed document's ranges. */
function spliceIntoList(text: string, list: YAMLSeq, item: string): string {
  const last = list.items.at(-1) as { range?: [number, number, number] } | undefined;
  if (list.flow) {
    const close = text.lastIndexOf("]", list.range![1]);
    if (last?.range === undefined) return `${text.slice(0, close)}${item}${text.slice(close)}`;
    return `${text.slice(0, last.range[1])}, ${item}${text.slice(last.range[1])}`;
  }
  // A block list: a new line after the last item's line (its trailing comment included),
  // with the same indentation and dash.
  const range = last!.range!;
  const lineStart = text.lastIndexOf("\n", range[0] - 1) + 1;
  const lineEnd = text.indexOf("\n", range[1]);
  const prefix = text.slice(lineStart, range[0]);
  const at = lineEnd === -1 ? text.length : lineEnd;
  return `${text.slice(0, at)}\n${prefix}${item}${text.slice(at)}`;
}

/**
 * The manifest at `file` with `entry` added to `bottles.<bottle>.egress.allow`, its
 * comments, order and layout kept: the `yaml` Document API finds the list and where
 * its last item sits, and the new item is spliced into the text there (a flow list
 * stays a flow list); only a bottle without an `allow` list yet gets one written by
 * the Document API. The bottle must be defined in the file: writing a
 * `bottles.default` into a manifest that relies on the built-in one would drop the
 * built-in's routes and hosts. The result is validated. Returns the new text (the
 * caller writes it), or undefined when the entry is there already.
 */
export function withAllowedHost(file: string, bottle: string, entry: string): string | undefined {
  const text = readFileSync(file, "utf8");
  const document = parseDocument(text);
  if (!isMap(document.getIn(["bottles", bottle], true))) {
    throw new BottleError(`${file} does not define the bottle ${bottle}, so there is no egress.allow to add ${entry} to`, {
      hint: `define bottles.${bottle} in the manifest (\`bottle init\` writes the default one out), or approve without --save`,
    });
  }
  const path = ["bottles", bottle, "egress", "allow"];
  const allow = document.getIn(path, true);
  let next: string;
  if (isSeq(allow) && allow.range !== undefined && (allow.flow || allow.items.length > 0)) {
    if (allow.items.some((item) => (isScalar(item) ? item.value : item) === entry)) return undefined;
    // `stringify` quotes what YAML would misread (`*.example.com` starts an alias).
    next = spliceIntoList(text, allow, stringify(entry).trimEnd());
  } else if (allow === undefined || allow === null || isSeq(allow)) {
    document.setIn(path, document.createNode([entry]));
    next = document.toString();
  } else {
    throw new BottleError(`bottles.${bottle}.egress.allow in ${file} is not a list`, { hint: "make it a list of hosts, then approve again" });
  }
  const { manifest, problems } = parseManifest(file, next);
  if (problems.length > 0) throw new ConfigError(problems, "the manifest would not validate with this host added; nothing was written");
  if (!manifest?.bottles[bottle]?.egress.allow.includes(entry)) throw new BottleError(`could not add ${entry} to ${file}: its layout was not understood`, { hint: "add it by hand" });
  return next;
}
