import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { ConfigError } from "../../core/config-file.ts";
import { BottleError } from "../../core/errors.ts";
import { parseManifest } from "../../manifest/parse-manifest.ts";

/**
 * The manifest at `file` with `entry` added to `bottles.<bottle>.egress.allow` in the manifest at `file`, keeping
 * its comments, order and layout (the `yaml` Document API edits the tree it parsed; a
 * flow list stays a flow list). The bottle must be defined in the file: writing a
 * `bottles.default` into a manifest that relies on the built-in one would replace the
 * built-in's routes and hosts. The result is validated. Returns the new text (the
 * caller writes it), or undefined when the entry is there already.
 */
export function withAllowedHost(file: string, bottle: string, entry: string): string | undefined {
  const text = readFileSync(file, "utf8");
  const document = parseDocument(text);
  const bottleNode = document.getIn(["bottles", bottle], true);
  if (!isMap(bottleNode)) {
    throw new BottleError(`${file} does not define the bottle ${bottle}, so there is no egress.allow to add ${entry} to`, {
      hint: `define bottles.${bottle} in the manifest (\`bottle init\` writes the default one out), or approve without --save`,
    });
  }
  const allow = document.getIn(["bottles", bottle, "egress", "allow"], true);
  if (isSeq(allow)) {
    if (allow.items.some((item) => (isScalar(item) ? item.value : item) === entry)) return undefined;
    allow.add(document.createNode(entry));
  } else if (allow === undefined || allow === null) {
    document.setIn(["bottles", bottle, "egress", "allow"], document.createNode([entry]));
  } else {
    throw new BottleError(`bottles.${bottle}.egress.allow in ${file} is not a list`, { hint: "make it a list of hosts, then approve again" });
  }
  const next = document.toString();
  const { problems } = parseManifest(file, next);
  if (problems.length > 0) throw new ConfigError(problems, "the manifest would not validate with this host added; nothing was written");
  return next;
}
