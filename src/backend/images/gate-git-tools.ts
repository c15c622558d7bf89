import { existsSync } from "node:fs";

/**
 * The host programs the gate image carries for the git gate, copied with the
 * libraries `ldd` names (nothing is pulled): git, its https helper, the local
 * transport's `git-upload-pack`/`git-receive-pack` (Debian links them to git, which
 * copies follow), ssh, and the
 * `/bin/sh` git runs `GIT_SSH_COMMAND` and the pre-receive hook with.
 */
export const GATE_GIT_TOOLS = [
  "/usr/bin/git",
  "/usr/lib/git-core/git-remote-http",
  "/usr/lib/git-core/git-remote-https",
  // A local (path or file://) upstream: git runs these by name to fetch from it and push to it.
  "/usr/bin/git-upload-pack",
  "/usr/bin/git-receive-pack",
  "/usr/bin/ssh",
  "/bin/sh",
] as const;

/** The tools this host has; a missing one leaves the gate without that part of git. */
export function presentGitTools(): string[] {
  return GATE_GIT_TOOLS.filter((tool) => existsSync(tool));
}

/**
 * `/etc/passwd` and `/etc/group` for the gate image: ssh refuses to run for a uid
 * with no passwd entry ("No user exists for uid"), and the gate runs as the host
 * user who owns its 0600 files (and, on Kubernetes, as {@link KUBE_GATE_UID}). Home
 * is `/tmp`, the gate's one writable folder.
 */
export function gateAccounts(uid: number, gid: number): { passwd: string; group: string } {
  const user = uid === 0 ? "" : `bottle:x:${uid}:${gid}:bottle gate:/tmp:/bin/sh\n`;
  const group = gid === 0 ? "" : `bottle:x:${gid}:\n`;
  // The uid the Kubernetes backend runs the gate as (its pod has no host user), unless it is the host's.
  const pod = uid === KUBE_GATE_UID ? "" : `bottle-pod:x:${KUBE_GATE_UID}:${KUBE_GATE_UID}:bottle gate:/tmp:/bin/sh\n`;
  const podGroup = gid === KUBE_GATE_UID ? "" : `bottle-pod:x:${KUBE_GATE_UID}:\n`;
  return { passwd: `root:x:0:0:root:/tmp:/bin/sh\n${user}${pod}`, group: `root:x:0:\n${group}${podGroup}` };
}

/** The uid (and gid) a Kubernetes gate pod runs as: never root, no user of the host. */
export const KUBE_GATE_UID = 65532;
