import { createHash } from "node:crypto";
import { bottleLabels, LABEL, type Role } from "../../core/labels.ts";

/** The annotation that keeps the owner's full state path (a label value cannot hold it). */
export const OWNER_PATH_ANNOTATION = `${LABEL.owner}-path`;

/**
 * The owner label's value on Kubernetes: the docker backend labels with the CLI's state
 * folder itself, but a label value is at most 63 characters of `[A-Za-z0-9_.-]`, so
 * here it is the folder's SHA-256, cut to 32 hex digits (128 bits, no collision in
 * practice). `cleanup` compares it the same way.
 */
export function ownerLabelValue(owner: string): string {
  return createHash("sha256").update(owner).digest("hex").slice(0, 32);
}

/** The labels every object of a Kubernetes bottle carries: bottle's own, plus the owner. */
export function kubeLabels(identity: string, role: Role, owner: string): Record<string, string> {
  return { ...bottleLabels(identity, role), [LABEL.owner]: ownerLabelValue(owner) };
}

/** A pod selector for one role of one bottle (NetworkPolicies, the Service). */
export function roleSelector(identity: string, role: "agent" | "gate"): Record<string, string> {
  return { [LABEL.identity]: identity, [LABEL.role]: role };
}

/** The `labelSelector` query that finds every object of this owner (`list`, `cleanup`). */
export function ownerSelector(owner: string): string {
  return `${LABEL.owner}=${ownerLabelValue(owner)}`;
}
