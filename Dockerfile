# syntax=docker/dockerfile:1
# WebDiffusion GPU image: the server, the built UI and ONNX Runtime 1.22.0's CUDA libraries on CUDA 12 + cuDNN 9.
#
#   docker compose build          (fill ORT_GPU_SHA256 first: see "Running on a cloud GPU host" in README.md)
#   docker compose up -d
#
# Every base image is pinned to an exact tag; deploy/lint.sh checks that, and more, without Docker.

# ---------------------------------------------------------------------------------------------------------------
# ONNX Runtime GPU build, the same version as the CPU library the project is tested with (1.22.0).
# ORT_GPU_SHA256 MUST be the SHA-256 of onnxruntime-linux-x64-gpu-1.22.0.tgz as published on
#   https://github.com/microsoft/onnxruntime/releases/tag/v1.22.0
# It is left empty on purpose (it could not be fetched where this file was written): the build stops until it is
# set (--build-arg ORT_GPU_SHA256=... or ORT_GPU_SHA256=... in .env for compose) and stops if the download differs.
ARG ORT_VERSION=1.22.0
ARG ORT_GPU_SHA256=""

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04 AS ort
ARG ORT_VERSION
ARG ORT_GPU_SHA256
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
RUN set -eu; \
    if [ -z "${ORT_GPU_SHA256}" ]; then \
      echo "ORT_GPU_SHA256 is not set: copy the SHA-256 of onnxruntime-linux-x64-gpu-${ORT_VERSION}.tgz from the official release page" >&2; \
      exit 1; \
    fi; \
    curl -fsSL --retry 3 -o /tmp/ort.tgz \
      "https://github.com/microsoft/onnxruntime/releases/download/v${ORT_VERSION}/onnxruntime-linux-x64-gpu-${ORT_VERSION}.tgz"; \
    echo "${ORT_GPU_SHA256}  /tmp/ort.tgz" | sha256sum -c -; \
    mkdir -p /opt/onnxruntime; \
    tar -xzf /tmp/ort.tgz -C /opt/onnxruntime --strip-components=1; \
    rm /tmp/ort.tgz; \
    cd /opt/onnxruntime/lib; \
    test -f libonnxruntime_providers_cuda.so; \
    test -f libonnxruntime_providers_shared.so; \
    [ -e libonnxruntime.so.1 ] || ln -s "libonnxruntime.so.${ORT_VERSION}" libonnxruntime.so.1; \
    test -e libonnxruntime.so.1

# ---------------------------------------------------------------------------------------------------------------
# The browser UI (Vue + Vite) built into /src/wwwroot.
FROM node:20.20.2-bookworm-slim AS ui
WORKDIR /src/src/webui
COPY src/webui/package.json src/webui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY src/webui/ ./
RUN npm run build

# ---------------------------------------------------------------------------------------------------------------
# The server, published framework-dependent for linux-x64 (SQLite's native library comes with the
# SQLitePCLRaw bundle, so the runtime image needs no libsqlite3).
FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/WebDiffusion.Onnx/WebDiffusion.Onnx.csproj src/WebDiffusion.Onnx/
COPY src/WebDiffusion.Core/WebDiffusion.Core.csproj src/WebDiffusion.Core/
COPY src/WebDiffusion.ModelKit/WebDiffusion.ModelKit.csproj src/WebDiffusion.ModelKit/
COPY src/WebDiffusion.Server/WebDiffusion.Server.csproj src/WebDiffusion.Server/
RUN dotnet restore src/WebDiffusion.Server/WebDiffusion.Server.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/WebDiffusion.Server/WebDiffusion.Server.csproj -c Release -r linux-x64 --self-contained false \
      --no-restore -o /app
COPY appsettings.json /app/appsettings.json
COPY --from=ui /src/wwwroot/ /app/wwwroot/

# ---------------------------------------------------------------------------------------------------------------
# The ASP.NET Core 10 runtime (portable linux-x64 build) taken from Microsoft's image.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS aspnet

# ---------------------------------------------------------------------------------------------------------------
FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04 AS runtime
ARG ORT_VERSION
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl libssl3 tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=aspnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY --from=ort /opt/onnxruntime/lib/ /opt/onnxruntime/lib/
COPY --from=build /app /app

RUN groupadd --system --gid 10001 webdiffusion \
 && useradd --system --uid 10001 --gid webdiffusion --home-dir /data --no-create-home webdiffusion \
 && mkdir -p /models/Stable-diffusion /data \
 && chown -R webdiffusion:webdiffusion /models /data

# No secrets here: credentials (WebDiffusion__ApiAuth) and HF_TOKEN come from the environment at run time.
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    LD_LIBRARY_PATH=/opt/onnxruntime/lib \
    WebDiffusion__ModelsDir=/models \
    WebDiffusion__DataDir=/data \
    WebDiffusion__OnnxRuntimePath=/opt/onnxruntime/lib/libonnxruntime.so.1 \
    WebDiffusion__ExecutionProvider=cuda \
    WebDiffusion__Port=7860

VOLUME ["/models", "/data"]
EXPOSE 7860
USER webdiffusion:webdiffusion
WORKDIR /app

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:7860/health || exit 1

# --listen binds 0.0.0.0 inside the container; the server refuses to start without WebDiffusion__ApiAuth.
ENTRYPOINT ["dotnet", "/app/WebDiffusion.Server.dll", "--content-root", "/app"]
CMD ["--listen"]
