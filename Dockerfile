# syntax=docker/dockerfile:1
#
# Chorus as one static binary on a distroless base: no shell, no package manager, non-root.
#   docker build -t chorus .
#   docker run --env-file .env -v chorus-data:/data chorus          # embedded store in /data
#   docker run chorus drift eval --set /sets/dev                     # any sub-command
# docker-compose.yml runs it with a MongoDB replica set instead of the embedded store.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first, so that editing the code does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# CGO_ENABLED=0: the embedded store uses a pure-Go SQLite, so the binary needs no libc.
# ferretdb_no_postgresql drops FerretDB's unused PostgreSQL backend.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -tags ferretdb_no_postgresql -ldflags "-s -w" -o /chorus ./cmd/chorus
# An empty /data owned by the distroless "nonroot" user (65532): a new named volume copies
# the image's ownership, so the embedded store can write there.
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /chorus /chorus
COPY --from=build --chown=65532:65532 /out/data /data
ENV CHORUS_DATA_DIR=/data \
    CHORUS_HTTP_ADDR=:3000
VOLUME /data
USER 65532:65532
# /healthz, /readyz and /metrics; /slack/events in HTTP mode (Socket Mode needs no inbound port).
EXPOSE 3000
# No curl in distroless: the binary checks its own /healthz on 127.0.0.1:3000.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/chorus", "healthcheck"]
ENTRYPOINT ["/chorus"]
CMD ["serve"]
