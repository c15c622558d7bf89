import { DOCTOR_TIMEOUT_MS, type DoctorCheck, type DoctorDeps } from "./doctor-check.ts";

/**
 * Turns what `docker` printed when the engine did not answer into one cause and its fix.
 * The phrases are the Docker CLI's own (stable from 20.10 to 28).
 */
export function explainEngineFailure(stderr: string, timedOut = false): Pick<DoctorCheck, "summary" | "hint"> {
  if (timedOut) {
    return { summary: "the Docker engine did not answer within 15 s", hint: "check `dockerd`'s log; restart it: `sudo systemctl restart docker`" };
  }
  if (/permission denied/i.test(stderr)) {
    return {
      summary: "you may not use the Docker engine's socket",
      hint: "add yourself to the docker group: `sudo usermod -aG docker $USER`, then log in again",
    };
  }
  if (/Cannot connect to the Docker daemon|Is the docker daemon running|connection refused|no such file or directory/i.test(stderr)) {
    return { summary: "the Docker engine is not running", hint: "start it: `sudo systemctl start docker` or `sudo dockerd &`" };
  }
  const last = stderr.trim().split("\n").pop()?.trim();
  return { summary: `the Docker engine did not answer${last ? `: ${last}` : ""}`, hint: "run `docker info` to see why" };
}

/** Does the engine answer? Its version is the summary. */
export async function checkEngine(deps: Pick<DoctorDeps, "runner">): Promise<DoctorCheck> {
  const result = await deps.runner.run(["docker", "version", "--format", "{{.Server.Version}}"], {
    check: false,
    timeoutMs: DOCTOR_TIMEOUT_MS,
  });
  const version = result.stdout.trim();
  if (result.exitCode === 0 && !result.timedOut && version !== "") {
    return { name: "engine", status: "ok", summary: `Docker Engine ${version}` };
  }
  return { name: "engine", status: "fail", ...explainEngineFailure(result.stderr, result.timedOut) };
}
