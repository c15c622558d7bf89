import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";

/**
 * The pod-level hardening both pods share: a non-root user (its group the same number,
 * claims writable through `fsGroup`) and the runtime's default seccomp profile.
 */
export function podSecurity(uid: number): IPodSecurityContext {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/**
 * The container-level hardening both pods share: every capability dropped and no way
 * to gain one (setuid binaries, file capabilities). `readOnly` for the gate, which
 * writes nothing but its logs to stderr.
 */
export function containerSecurity(readOnly: boolean): ISecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    privileged: false,
    readOnlyRootFilesystem: readOnly,
  };
}
