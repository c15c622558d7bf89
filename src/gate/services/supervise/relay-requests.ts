import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { DecisionSchema } from "./request-schema.ts";
import { RequestStore } from "./request-store.ts";

/** The files of a requests folder that a relay carries: requests, decisions, "answered" marks. */
export const RELAYED_FILE = /^req-[a-z2-7]{10}(\.json|\.decision\.json|\.answered)$/;

/** At most this many bytes of one relayed file: requests hold a Dockerfile at most (the MCP body limit is 256 KiB). */
const MAX_FILE_BYTES = 512 * 1024;

/** What the CLI hands the gate: the decisions people made since it last looked, by request id. */
export const RelayInputSchema = v.strictObject({
  decisions: v.optional(v.record(v.pipe(v.string(), v.regex(/^req-[a-z2-7]{10}$/)), DecisionSchema), {}),
});

/** What the gate answers: every relayed file of its folder, by name, as text. */
export interface RelayOutput {
  files: Record<string, string>;
}

/**
 * The gate's side of a requests relay (`bottle gate requests`, run by `docker exec` or
 * the exec API where the CLI cannot share the gate's folder: a remote engine, a
 * cluster). Each decision is written through the store, so the first decision still
 * wins (one the gate or another person made stands); then the whole folder goes back,
 * which the CLI mirrors into the bottle's state folder and reads as it reads a local one.
 */
export function relayRequests(dir: string, input: v.InferOutput<typeof RelayInputSchema>): RelayOutput {
  const store = new RequestStore(dir);
  for (const [id, decision] of Object.entries(input.decisions)) store.decide(id, decision);
  const files: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  for (const name of names.filter((candidate) => RELAYED_FILE.test(candidate)).sort()) {
    const text = readFileSync(join(dir, name), "utf8");
    if (text.length <= MAX_FILE_BYTES) files[name] = text;
  }
  return { files };
}
