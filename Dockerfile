# OaiRouter container image.
#   docker compose up --build        (see docker-compose.yml: .env, ./data and ./logs)
# The .NET 10 default tags are Ubuntu 24.04 based; ffmpeg and yt-dlp come from its archive.

# ---- build ------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1

COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# A developer's local bin/ and obj/ must not leak into the image build (there is no .dockerignore).
RUN find src -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +

RUN dotnet restore src/Router.Host/Router.Host.csproj
RUN dotnet publish src/Router.Host -c Release -o /app --no-restore

# ---- runtime ----------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime

# ffmpeg/ffprobe and yt-dlp: the media pipeline. curl: the compose healthcheck.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ffmpeg yt-dlp curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data /logs

WORKDIR /app
COPY --from=build /app ./

ENV ASPNETCORE_URLS=http://0.0.0.0:8000 \
    DATABASE_URL=sqlite:////data/oai_router.db \
    LOG_FILE_PATH=/logs/router.log.json \
    DOTNET_CLI_TELEMETRY_OPTOUT=1

EXPOSE 8000

# Exec form: dotnet is PID 1 and receives SIGTERM directly, so the router can drain on stop.
ENTRYPOINT ["dotnet", "Router.Host.dll"]
