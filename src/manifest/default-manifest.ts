import * as v from "valibot";
import { ManifestSchema, type BottleConfig, type Manifest } from "./schema.ts";

/**
 * The manifest used when none is found: Claude Code in the default image, behind a
 * bottle whose gate injects the host's `CLAUDE_CODE_OAUTH_TOKEN` on the Anthropic
 * route and allows the few hosts a coding agent needs for packages and git.
 */
export const DEFAULT_MANIFEST: Manifest = v.parse(ManifestSchema, {
  version: 1,
  agents: {
    claude: {
      image: "default",
      command: ["claude", "--dangerously-skip-permissions"],
      bottle: "default",
    },
  },
  bottles: {
    default: {
      runtime: "auto",
      egress: {
        allow: [
          "registry.npmjs.org",
          "pypi.org",
          "files.pythonhosted.org",
          "github.com",
          "*.github.com",
          "*.githubusercontent.com",
        ],
        routes: [
          {
            name: "anthropic",
            upstream: "https://api.anthropic.com",
            roles: ["claude_code_oauth"],
            inject: { header: "authorization", value: "Bearer ${CLAUDE_CODE_OAUTH_TOKEN}" },
          },
        ],
        dlp: { action: "block" },
      },
    },
  },
});

/**
 * The bottle an agent gets when it names `default` and the manifest defines none: the
 * built-in default bottle, so a manifest that only lists agents behaves like the
 * built-in one. A fresh copy each time, because callers may adjust it.
 */
export function defaultBottle(): BottleConfig {
  return structuredClone(DEFAULT_MANIFEST.bottles.default!);
}
