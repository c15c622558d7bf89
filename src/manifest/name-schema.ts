import * as v from "valibot";

/**
 * Agent, bottle, route and repo names end up inside container and network names
 * (`<agent>-<random>-internal`), so they follow Docker's rules, lowercase, and short
 * enough to leave room for the suffixes.
 */
export const NameSchema = v.pipe(
  v.string(),
  v.regex(
    /^[a-z0-9][a-z0-9_.-]{0,39}$/,
    "not a valid name: use lowercase letters, digits, '_', '.', '-', starting with a letter or digit, at most 40 characters",
  ),
);

/** An environment variable name as POSIX shells accept it. */
export const EnvNameSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "not a valid environment variable name"),
);
