# The one Tailgate image (k8s/tailgate.yaml): docker build -t tailgate:dev .
# Its default command runs the gateway; the same image runs the node agent
# (node apps/agent/dist/main.js) and the worker (node apps/worker/dist/main.js).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm ci --no-audit --no-fund && npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/libs ./libs
COPY --from=build /src/plugins ./plugins
COPY --from=build /src/apps ./apps
USER 10001
EXPOSE 8080
CMD ["node", "apps/gateway/dist/main.js"]
