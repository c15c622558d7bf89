import type { Runner } from "../../core/runner.ts";

/** The agent image and, when bottle builds it, how (the shape of the docker backend's `ImagePlan`). */
export interface AgentImageSource {
  ref: string;
  build?: { dockerfile: string; context: string; args: Record<string, string> };
}

/**
 * Makes sure the agent image exists locally: a Dockerfile-built image is tagged by a
 * content key, so an existing tag means an unchanged Dockerfile and nothing to build.
 * A plain reference must already be in the engine (nothing is pulled here).
 */
export async function ensureAgentImage(
  source: AgentImageSource,
  deps: { runner: Runner; log: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  const found = await deps.runner.run(["docker", "image", "inspect", "--format", "{{.Id}}", source.ref], { check: false });
  if (found.exitCode === 0 || source.build === undefined) return;
  const { dockerfile, context, args } = source.build;
  deps.log(`building the agent image ${source.ref}…`);
  await deps.runner.run(
    [
      "docker", "build", "--quiet", "--tag", source.ref, "--file", dockerfile,
      ...Object.entries(args).flatMap(([key, value]) => ["--build-arg", `${key}=${value}`]),
      context,
    ],
    { signal: deps.signal },
  );
}
