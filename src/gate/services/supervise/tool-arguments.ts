import * as v from "valibot";
import { HostPatternSchema } from "../../../manifest/egress-schema.ts";

const justification = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, "say why: a person reads this before deciding"),
  v.maxLength(4_000, "at most 4000 characters"),
  v.description("Why the task needs it, in a sentence or two; a person reads this before deciding."),
);

/**
 * `request-egress`: one host (or `*.domain`), never `*` — a person approves a name,
 * not the whole internet.
 */
export const RequestEgressArgs = v.strictObject({
  host: v.pipe(
    v.string(),
    v.trim(),
    v.toLowerCase(),
    HostPatternSchema,
    v.check((host) => host !== "*", "ask for one host (or *.domain), not every host"),
    v.description("The host to reach, e.g. api.example.com (or *.example.com for its subdomains)."),
  ),
  ports: v.optional(
    v.pipe(
      v.array(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535))),
      v.minLength(1),
      v.maxLength(16),
      v.description("Ports beyond the defaults (HTTPS tunnels use 443 unless listed here)."),
    ),
  ),
  justification,
  failed_url: v.optional(v.pipe(v.string(), v.maxLength(2_000), v.description("The URL that was refused, if any."))),
});

/** `propose-dockerfile`: the whole Dockerfile the bottle should run on next. */
export const ProposeDockerfileArgs = v.strictObject({
  dockerfile: v.pipe(
    v.string(),
    v.minLength(1),
    v.maxLength(64_000, "at most 64000 characters"),
    v.description("The complete Dockerfile for the agent's image; `ARG BOTTLE_IMAGE` + `FROM ${BOTTLE_IMAGE}` builds on the current one."),
  ),
  justification,
});

/** `request-status`: an id from an earlier answer. */
export const RequestStatusArgs = v.strictObject({
  id: v.pipe(v.string(), v.description("The id an earlier request-egress or propose-dockerfile answered with.")),
});

/** `list-egress` takes nothing. */
export const ListEgressArgs = v.strictObject({});

/** What an egress request file keeps as its arguments (the justification is kept beside them). */
export const StoredEgressArgs = v.omit(RequestEgressArgs, ["justification"]);
