import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import { openAuditLog } from "../../../src/gate/audit.ts";
import { GateConfigSchema } from "../../../src/gate/config-schema.ts";
import type { GateService } from "../../../src/gate/services/gate-service.ts";
import { createGitService } from "../../../src/gate/services/git/git-service.ts";
import type { GitServiceOptions } from "../../../src/gate/services/git/repo-runtime.ts";

/** The git service mounted on its own loopback `Bun.serve`, as the control port will mount it. */
export interface TestGitGate {
  service: GateService;
  /** `http://127.0.0.1:PORT/git/` — append `<name>.git`. */
  base: string;
  stateDir: string;
  auditLines(): Promise<Record<string, unknown>[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts the git service for `git` repos (gate-config shape) with `env` as the gate's environment. */
export async function startGitGate(
  git: unknown[],
  env: Record<string, string> = {},
  options: GitServiceOptions = {},
  egress: Record<string, unknown> = {},
): Promise<TestGitGate> {
  const dir = await mkdtemp(join(tmpdir(), "bottle-git-gate-"));
  const auditFile = join(dir, "audit.jsonl");
  const config = v.parse(GateConfigSchema, { listen: "127.0.0.1:0", egress, audit: auditFile, git });
  const audit = openAuditLog(auditFile);
  const stateDir = join(dir, "state");
  let service: GateService | undefined;
  try {
    service = createGitService(config, { audit, env, stateDir }, options);
    if (service === undefined) throw new Error("the git service was not enabled");
  } catch (error) {
    // A gate that fails to start (the tests of a missing token, say) leaves no folder behind.
    await audit.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 120,
    fetch: (request, srv) => {
      const ip = srv.requestIP(request);
      return service.fetch!(request, { address: `${ip?.address}:${ip?.port}` });
    },
  });
  return {
    service,
    base: `http://127.0.0.1:${server.port}/git/`,
    stateDir: join(stateDir, "git"),
    async auditLines() {
      await Bun.sleep(100);
      const text = await readFile(auditFile, "utf8").catch(() => "");
      return text.split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async [Symbol.asyncDispose]() {
      await server.stop(true);
      await service.close();
      await audit.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
