# syntax=docker/dockerfile:1
# WebDiffusion GPU image: the server built with -p:OrtFlavor=Cuda (NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux 1.32.0,
# whose CUDA provider links CUDA 13 - libcublasLt.so.13, libcudart.so.13 - and cuDNN 9) and the built UI.
#
#   docker compose build
#   docker compose up -d
#
# Every base image is pinned to an exact tag; deploy/lint.sh checks that, and more, without Docker.

# ---------------------------------------------------------------------------------------------------------------
# The browser UI (Vue + Vite) built into /src/wwwroot.
FROM node:20.20.2-bookworm-slim AS ui
WORKDIR /src/src/webui
COPY src/webui/package.json src/webui/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY src/webui/ ./
RUN npm run build

# ---------------------------------------------------------------------------------------------------------------
# The server, published framework-dependent for linux-x64 with the CUDA flavour of ONNX Runtime (its native
# libraries come from the NuGet package into /app; SQLite's comes with the SQLitePCLRaw bundle).
FROM mcr.microsoft.com/dotnet/sdk:10.0.401-noble AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/WebDiffusion.Onnx/WebDiffusion.Onnx.csproj src/WebDiffusion.Onnx/
COPY src/WebDiffusion.Core/WebDiffusion.Core.csproj src/WebDiffusion.Core/
COPY src/WebDiffusion.ModelKit/WebDiffusion.ModelKit.csproj src/WebDiffusion.ModelKit/
COPY src/WebDiffusion.Server/WebDiffusion.Server.csproj src/WebDiffusion.Server/
RUN dotnet restore src/WebDiffusion.Server/WebDiffusion.Server.csproj -r linux-x64 -p:OrtFlavor=Cuda
COPY src/ src/
RUN dotnet publish src/WebDiffusion.Server/WebDiffusion.Server.csproj -c Release -r linux-x64 --self-contained false \
      -p:OrtFlavor=Cuda --no-restore -o /app
COPY appsettings.json /app/appsettings.json
COPY --from=ui /src/wwwroot/ /app/wwwroot/

# ---------------------------------------------------------------------------------------------------------------
# The ASP.NET Core 10 runtime (portable linux-x64 build) taken from Microsoft's image.
FROM mcr.microsoft.com/dotnet/aspnet:10.0.12-noble AS aspnet

# ---------------------------------------------------------------------------------------------------------------
FROM nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04 AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl libssl3t64 libicu74 tzdata \
 && rm -rf /var/lib/apt/lists/*
COPY --from=aspnet /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY --from=build /app /app

RUN groupadd --system --gid 10001 webdiffusion \
 && useradd --system --uid 10001 --gid webdiffusion --home-dir /data --no-create-home webdiffusion \
 && mkdir -p /models/Stable-diffusion /data \
 && chown -R webdiffusion:webdiffusion /models /data

# No secrets here: credentials (WebDiffusion__ApiAuth) and HF_TOKEN come from the environment at run time.
ENV DOTNET_ROOT=/usr/share/dotnet \
    DOTNET_NOLOGO=1 \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    WebDiffusion__ModelsDir=/models \
    WebDiffusion__DataDir=/data \
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
