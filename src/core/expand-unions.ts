import type * as v from "valibot";

/**
 * Replaces each union issue over a mapping by what was wrong inside it. valibot reports
 * `image: { dockerfile: 3 }` as one union issue at `image` ("expected `default`, an
 * image reference, or { dockerfile: PATH }"), though the mapping option matched and
 * only its `dockerfile` is wrong; its nested issues with a path point at that value.
 * valibot 1.x keeps nested paths relative to the union, so they get its path in front.
 * A union issue over anything else, or with no nested issue below it, stays.
 */
export function expandUnions(issues: readonly v.BaseIssue<unknown>[]): v.BaseIssue<unknown>[] {
  return issues.flatMap((issue) => {
    const input = issue.input;
    if (issue.type !== "union" || typeof input !== "object" || input === null || Array.isArray(input)) return [issue];
    const inner = (issue.issues ?? [])
      .filter((nested) => (nested.path?.length ?? 0) > 0)
      .map((nested) => ({ ...nested, path: [...(issue.path ?? []), ...nested.path!] }) as v.BaseIssue<unknown>);
    return inner.length === 0 ? [issue] : expandUnions(inner);
  });
}
