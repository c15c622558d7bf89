import { describe, expect, test } from "bun:test";
import { bottlePaths } from "../../../src/core/paths.ts";

describe("bottlePaths", () => {
  test("follows the XDG variables", () => {
    const paths = bottlePaths({ HOME: "/home/u", XDG_STATE_HOME: "/s", XDG_CACHE_HOME: "/c", XDG_CONFIG_HOME: "/cfg" });
    expect(paths.state).toBe("/s/bottle");
    expect(paths.cache).toBe("/c/bottle");
    expect(paths.config).toBe("/cfg/bottle");
    expect(paths.userManifest).toBe("/cfg/bottle/bottle.yaml");
  });

  test("falls back to the XDG defaults under HOME", () => {
    const paths = bottlePaths({ HOME: "/home/u" });
    expect(paths.state).toBe("/home/u/.local/state/bottle");
    expect(paths.cache).toBe("/home/u/.cache/bottle");
    expect(paths.config).toBe("/home/u/.config/bottle");
  });

  test("ignores relative XDG paths, as the spec requires", () => {
    const paths = bottlePaths({ HOME: "/home/u", XDG_STATE_HOME: "relative/state", XDG_CACHE_HOME: "" });
    expect(paths.state).toBe("/home/u/.local/state/bottle");
    expect(paths.cache).toBe("/home/u/.cache/bottle");
  });

  test("puts each bottle's state and the smolmachines cache in their own folders", () => {
    const paths = bottlePaths({ HOME: "/h", XDG_STATE_HOME: "/s", XDG_CACHE_HOME: "/c" });
    expect(paths.bottleState("claude-abcdefgh")).toBe("/s/bottle/claude-abcdefgh");
    expect(paths.smolmachinesCache("0123456789abcdef")).toBe("/c/bottle/smolmachines/0123456789abcdef");
  });
});
