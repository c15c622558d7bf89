import * as v from "valibot";

/** A duration such as `90s`, `10m`, `1h`. */
const DURATION = /^(\d+)(s|m|h)$/;

/**
 * A bottle's `supervise`: `true` (the agent may ask a person for hosts and image
 * changes), `false`, or the settings. `when_unattended: deny` (the default) denies
 * every request at once when no one can attend (no terminal, or `CI`); `wait` lets
 * requests wait for someone running `bottle supervise` elsewhere.
 */
export const SuperviseSchema = v.union(
  [
    v.boolean(),
    v.strictObject({
      when_unattended: v.optional(
        v.pipe(v.picklist(["deny", "wait"], "deny | wait"), v.description("Without a terminal or with CI: deny at once, or wait for `bottle supervise`. By default, deny.")),
        "deny",
      ),
      expire_after: v.optional(
        v.pipe(v.string(), v.regex(DURATION, "a duration such as 90s, 10m or 1h"), v.description("An undecided request counts as denied after this. By default, 10m.")),
        "10m",
      ),
    }),
  ],
  "true, false, or { when_unattended, expire_after }",
);

/** What `supervise` amounts to for a launch. */
export interface SuperviseSettings {
  enabled: boolean;
  whenUnattended: "deny" | "wait";
  expireAfterSeconds: number;
}

/** Reads a bottle's `supervise` (either form) into settings; by default off. */
export function superviseSettings(value: v.InferOutput<typeof SuperviseSchema> | undefined): SuperviseSettings {
  if (value === undefined || value === false) return { enabled: false, whenUnattended: "deny", expireAfterSeconds: 600 };
  if (value === true) return { enabled: true, whenUnattended: "deny", expireAfterSeconds: 600 };
  const [, amount, unit] = DURATION.exec(value.expire_after)!;
  return { enabled: true, whenUnattended: value.when_unattended, expireAfterSeconds: Number(amount) * { s: 1, m: 60, h: 3600 }[unit as "s" | "m" | "h"] };
}
