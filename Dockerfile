# Latitude's image: the code, its Python packages and front-end packages; the same bin/ entrypoints
# as everywhere else (docs/deploy.md). Not built or tested on the development machines (images
# cannot be pulled there); what CI tests is the entrypoints this image runs.
FROM python:3.11-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PYTHON=/opt/venv/bin/python LATITUDE_VAR_DIR=/var/lib/latitude
RUN apt-get update && apt-get install -y --no-install-recommends \
      gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt package.json package-lock.json ./
RUN python -m venv /opt/venv && /opt/venv/bin/pip install -r requirements.txt && npm ci --no-audit --no-fund
COPY . .
# Static files and compiled translations are part of the image; bin/release repeats them idempotently.
RUN mkdir -p "$LATITUDE_VAR_DIR" && $PYTHON manage.py collectstatic --no-input -v0 \
    && $PYTHON manage.py compilemessages -v0 --ignore=node_modules \
    && useradd --system --home /app latitude && chown -R latitude "$LATITUDE_VAR_DIR"
USER latitude
ENV BIND=0.0.0.0 PORT=8000 LATITUDE_PRODUCTION=1
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/livez', timeout=2)" || exit 1
CMD ["bin/web"]
