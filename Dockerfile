# Production image: gunicorn serves the web app (static files through WhiteNoise); the same
# image runs the Celery worker and beat with another command (see docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY bin/vendor-assets.mjs bin/
RUN mkdir -p static && node bin/vendor-assets.mjs

FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 NEWSROOM_VAR_DIR=/var/lib/newsroom
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app newsroom
WORKDIR /app
COPY pyproject.toml README.md ./
COPY . .
COPY --from=assets /src/static/vendor static/vendor
RUN pip install --no-cache-dir . \
    && python manage.py compilemessages --ignore=node_modules -v0 \
    && python manage.py make_app_icons -v0 \
    && mkdir -p /var/lib/newsroom && chown newsroom /var/lib/newsroom
USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
