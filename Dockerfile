# webex-go-bot: one instance. `compose.yaml` runs two behind a proxy on one PostgreSQL.
# Build: docker build -t webex-go-bot .   Run: see README "Several instances".

# --- build: all dependencies, then dist/ (npm ci runs the build through `prepare`) ------------------
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci && npm prune --omit=dev

# --- run: dist/, the card templates and the production dependencies, as a user without rights -----
FROM node:20-slim
# DejaVu: the PDF activation sheet and the calls chart print Bulgarian (Cyrillic) with it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000 DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY cards ./cards
# The embedded store (one instance without DATABASE_URL) writes here; readable by the bot alone.
RUN mkdir -m 700 /data && chown node:node /data
USER node
EXPOSE 3000
# Ready: the store answers and Webex is connected (503 otherwise); node has fetch, the image no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/index.js"]
