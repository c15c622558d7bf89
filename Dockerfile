# The agent image: Claude Code, git, curl and Node.js on Debian, run as the non-root
# user `agent` (uid 1000) in /workspace. bottle builds it for `image: default`.
#
#   docker build -t bottle-agent .
#   docker build -t bottle-agent --build-arg BASE_IMAGE=bottle-base:bookworm \
#     --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)" .
#
# Build args (by default, the values below):
#   BASE_IMAGE           any Debian bookworm-like image; `scripts/base-image.sh` makes
#                        `bottle-base:bookworm` where no registry can be reached.
#   CLAUDE_CODE_VERSION  the exact @anthropic-ai/claude-code version from npm.
#   EXTRA_CA_CERTS       PEM text of extra CA certificates (one or many), for networks
#                        whose proxy intercepts TLS. They are trusted by apt, npm and
#                        node during the build AND by everything in the running image
#                        (system bundle, NODE_EXTRA_CA_CERTS). CA certificates are public,
#                        so a build arg (visible in `docker history`) is fine for them;
#                        never pass secrets as build args.
#   AGENT_UID            the uid of `agent`, to match workspace file ownership.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ARG CLAUDE_CODE_VERSION=2.1.330
ARG EXTRA_CA_CERTS=""
ARG AGENT_UID=1000

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8

# Extra CAs go in first, one file per certificate (update-ca-certificates links each
# .crt by its first certificate only), so every later HTTPS call already trusts them.
RUN if [[ -n "${EXTRA_CA_CERTS}" ]]; then \
      mkdir -p /usr/local/share/ca-certificates/bottle && \
      printf '%s\n' "${EXTRA_CA_CERTS}" | awk \
        '/-----BEGIN CERTIFICATE-----/ { n++; out = sprintf("/usr/local/share/ca-certificates/bottle/extra-%02d.crt", n) } \
         out { print > out } /-----END CERTIFICATE-----/ { out = "" }' && \
      ls /usr/local/share/ca-certificates/bottle/*.crt >/dev/null; \
    fi

# Debian's nodejs (18 in bookworm) runs npm here; Claude Code itself is a native binary
# that npm picks per platform. ca-certificates' postinst folds the extra CAs into the
# system bundle that apt (https), curl, git and, via NODE_EXTRA_CA_CERTS, node trust.
RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates curl git nodejs npm less procps && \
    update-ca-certificates && \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt

RUN npm install -g --no-audit --no-fund "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" && \
    npm cache clean --force && \
    claude --version

RUN useradd --create-home --uid "${AGENT_UID}" --shell /bin/bash agent && \
    mkdir -p /workspace && chown agent:agent /workspace

USER agent
WORKDIR /workspace
ENV HOME=/home/agent
# A neutral identity so `git commit` works in a fresh bottle; GIT_AUTHOR_* and
# GIT_COMMITTER_* in the agent's env (the manifest's `env:`) take precedence over it.
RUN git config --global user.name "bottle agent" && \
    git config --global user.email "agent@bottle.invalid"
CMD ["claude"]
