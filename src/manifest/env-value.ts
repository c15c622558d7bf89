import * as v from "valibot";

/** `${NAME}` and nothing else: the value is forwarded from the host by name. */
const FORWARDED = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * An agent's env value: a literal (it lands in a mode-0600 env-file, one line per
 * variable, so it cannot hold a newline), or exactly `${NAME}` to forward the host's
 * variable NAME (under the key's name, which may differ: `GH_TOKEN: ${MY_GH_TOKEN}`). Anything else containing `${` is refused rather than half-interpolated.
 */
export const EnvValueSchema = v.pipe(
  v.string(),
  v.regex(/^[^\r\n]*$/, "a literal env value cannot contain a newline"),
  v.regex(
    /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*\}|(?:(?!\$\{)[\s\S])*)$/,
    "`${` is only allowed as the whole value, `${NAME}`, which forwards the host variable NAME",
  ),
);

/** The host variable an env value forwards (`${NAME}` → `NAME`), or undefined for a literal. */
export function forwardedName(value: string): string | undefined {
  return FORWARDED.exec(value)?.[1];
}
