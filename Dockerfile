# syntax=docker/dockerfile:1
# The one Tailgate image. Every component is a role of its entry point (tailgate-entrypoint):
#   docker build -t tailgate:dev .
#   docker run tailgate:dev gateway          (the default)
#   docker run tailgate:dev agent --node-name n1
#   docker run tailgate:dev worker
# The Helm chart (k8s/helm/tailgate) and k8s/base run it so. It builds exactly what the tests
# build (npm ci, then npm run build: every workspace and the web UI) and ships only each
# workspace's package.json and dist with the production node_modules, as uid/gid 10001.
# No container engine runs in this repository's CI: scripts/deploy/dockerfile.spec.ts holds these
# steps to package.json's scripts, the copies to the workspaces and the entry points to the
# built files, and docs/deploy.md says how to build and push the image.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund
# The runtime tree: the root's package files and node_modules (whose @tailgate/* entries link to
# the workspaces), and per workspace its package.json, dist and any node_modules of its own.
RUN mkdir -p /runtime/bin \
 && cp package.json package-lock.json /runtime/ \
 && cp -R node_modules /runtime/node_modules \
 && for dir in libs/* plugins/* apps/* examples/plugins/*; do \
      mkdir -p "/runtime/$dir" && cp "$dir/package.json" "/runtime/$dir/"; \
      if [ -d "$dir/dist" ]; then cp -R "$dir/dist" "/runtime/$dir/"; fi; \
      if [ -d "$dir/node_modules" ]; then cp -R "$dir/node_modules" "/runtime/$dir/"; fi; \
    done \
 && install -m 0755 scripts/tailgate-entrypoint.sh /runtime/bin/tailgate-entrypoint

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PATH=/app/bin:$PATH
WORKDIR /app
COPY --from=build /runtime/ /app/
# Numeric, so runAsNonRoot can verify it; the chart runs every component as 10001 too.
USER 10001:10001
EXPOSE 8080 9102 9103
ENTRYPOINT ["/app/bin/tailgate-entrypoint"]
CMD ["gateway"]
