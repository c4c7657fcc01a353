# syntax=docker/dockerfile:1
# One image for the API and the workers:
#   docker run IMAGE                  -> showrunner api
#   docker run IMAGE worker           -> showrunner worker
#   docker run IMAGE migrate          -> apply migrations (run once per release)
# Production needs DATABASE_URL and REDIS_URL; see README.md.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/package.json
RUN npm ci --no-audit --no-fund

FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY src src
RUN npm run build

FROM node:24-bookworm-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY sdk/package.json sdk/package.json
# No dev dependencies and no optional embedded PostgreSQL: production sets DATABASE_URL.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --workspaces=false --include-workspace-root

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY migrations migrations
# The node image ships an unprivileged `node` user; the process never runs as root.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["api"]
