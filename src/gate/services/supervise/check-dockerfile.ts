const INSTRUCTIONS = new Set([
  "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
  "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
]);

/** A Dockerfile's instructions, or the first problem that stops it from parsing. */
export type DockerfileCheck = { ok: true; instructions: { keyword: string; line: number }[] } | { ok: false; problem: string };

/**
 * Checks a proposed Dockerfile the way `docker build` would read it, before a person
 * is asked: every instruction is one Docker knows (continuations and comments as the
 * builder joins them, `# escape=` honoured, heredoc bodies skipped), only `ARG` may
 * come before the first `FROM`, and there is a `FROM`. It does not build: the person
 * approves the text, and `bottle resume` builds it.
 */
export function checkDockerfile(text: string): DockerfileCheck {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  let escape = "\\";
  let inDirectives = true;
  const instructions: { keyword: string; line: number }[] = [];
  let continuing = false;
  let heredoc: string | undefined;
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    // A heredoc body (`RUN <<EOF` … `EOF`, BuildKit) is the instruction's text, not instructions.
    if (heredoc !== undefined) {
      if (line === heredoc) heredoc = undefined;
      continue;
    }
    if (inDirectives) {
      const directive = /^#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
      if (directive !== null) {
        if (directive[1]!.toLowerCase() === "escape") escape = directive[2]!;
        continue;
      }
      inDirectives = false;
    }
    if (line === "" || line.startsWith("#")) continue;
    if (!continuing) {
      const keyword = /^([A-Za-z]+)(\s|$)/.exec(line)?.[1]?.toUpperCase();
      if (keyword === undefined || !INSTRUCTIONS.has(keyword)) {
        return { ok: false, problem: `line ${index + 1}: not a Dockerfile instruction: ${line.slice(0, 60)}` };
      }
      if (!instructions.some((i) => i.keyword === "FROM") && keyword !== "FROM" && keyword !== "ARG") {
        return { ok: false, problem: `line ${index + 1}: ${keyword} before the first FROM` };
      }
      instructions.push({ keyword, line: index + 1 });
    }
    continuing = line.endsWith(escape);
    heredoc = /<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(line)?.[2];
  }
  if (heredoc !== undefined) return { ok: false, problem: `the heredoc ${heredoc} never ends` };
  if (continuing) return { ok: false, problem: "the last line continues into nothing" };
  if (!instructions.some((i) => i.keyword === "FROM")) return { ok: false, problem: "no FROM: a Dockerfile starts from an image" };
  return { ok: true, instructions };
}
