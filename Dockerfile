# The fairground image: one image for every role (api, rooms, worker); the role comes from
# FAIRGROUND_ROLES. Two stages: the first installs everything and builds the web clients, the
# second keeps only production dependencies, the built clients and the sources Node runs directly
# (TypeScript through Node's type stripping: there is no server build step).
# The start command is the one the tests spawn (packages/server/src/main.ts); test/deploy.test.ts
# holds the two together.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages ./packages
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
RUN npm run build

FROM node:24-bookworm-slim
# MALLOC_ARENA_MAX and --max-semi-space-size: memory per connected player (packages/server/src/start-flags.ts).
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=3000 \
    FAIRGROUND_DATA_DIR=/var/lib/fairground
WORKDIR /app
COPY package.json package-lock.json ./
COPY --from=build /app/packages ./packages
RUN npm ci --omit=dev --no-audit --no-fund \
 && mkdir -p /var/lib/fairground \
 && chown node:node /var/lib/fairground
USER node
EXPOSE 3000
# Ready means: the database answers and the node is not draining (GET /readyz; 200 even when degraded).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=4", "packages/server/src/main.ts"]
