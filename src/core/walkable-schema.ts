import type * as v from "valibot";

/** Any valibot schema, whatever it outputs. */
export type AnySchema = v.BaseSchema<unknown, unknown, v.BaseIssue<unknown>>;

/**
 * A valibot schema seen from outside: the inner schemas valibot 1.x keeps on objects
 * (`entries`), optionals (`wrapped`), arrays (`item`), records (`value`) and unions
 * (`options`), which the shape walk and the issue describer descend into.
 */
export type WalkableSchema = AnySchema & {
  entries?: Record<string, AnySchema>;
  wrapped?: AnySchema;
  item?: AnySchema;
  value?: AnySchema;
  options?: AnySchema[];
};
