import { BottleError } from "../../core/errors.ts";
import type { ImageConfig } from "../images/ensure-agent-image.ts";

/**
 * The command the agent runs: the manifest's, or by default the image's own entrypoint
 * and command (the container itself idles; the agent runs through `docker exec`).
 */
export function agentCommand(command: readonly string[], image: ImageConfig): string[] {
  if (command.length > 0) return [...command];
  const fromImage = [...(image.entrypoint ?? []), ...(image.cmd ?? [])];
  if (fromImage.length === 0) {
    throw new BottleError("the agent has no command: the manifest sets none and the image has no ENTRYPOINT or CMD", {
      hint: "set `command:` for the agent in bottle.yaml",
    });
  }
  return fromImage;
}

/**
 * How a prompt is handed to the agent's command for a non-interactive run: Claude Code
 * takes `-p TEXT`; any other CLI gets the prompt as its last argument.
 */
export function promptArgs(command: readonly string[], prompt: string): string[] {
  return command[0]?.split("/").pop() === "claude" ? ["-p", prompt] : [prompt];
}
