# duhdr with Debian's ffmpeg (newer than the npm-shipped 2018 static build; found first on PATH).
#   docker build -t duhdr . && docker run --rm -v "$PWD:/work" -w /work duhdr probe clip.mkv
FROM node:20-bookworm-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/duhdr
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY presets ./presets
COPY models ./models
COPY samples ./samples
# prepare compiles src/ to dist/; dev tools are dropped afterwards.
RUN npm ci && npm prune --omit=dev && npm cache clean --force

ENTRYPOINT ["node", "/opt/duhdr/bin/duhdr.js"]
CMD ["--help"]
