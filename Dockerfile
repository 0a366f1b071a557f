# convenant's container image: one image for web (gunicorn), worker and beat (Celery) and the
# one-off migrate step; see compose.yaml and docs/deploy.md. Exact pins from constraints.txt.

# --- build: install into a virtualenv, compile translations, collect static files ----------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
RUN pip install pip==26.3 \
 && pip install -c constraints.txt .
# Translations and static files need settings but no database or broker: placeholders, for
# these two commands only (nothing of them stays in the image's environment).
RUN DJANGO_SETTINGS_MODULE=convenant.settings_test convenant compilemessages --verbosity 0 \
 && DJANGO_SETTINGS_MODULE=convenant.settings DEBUG=0 \
    SECRET_KEY=build-only-placeholder-never-used-at-run-time-0123456789abcdef \
    DATABASE_URL=postgres://build@/build ALLOWED_HOSTS=build.invalid \
    BASE_URL=https://build.invalid DEFAULT_FROM_EMAIL=build@build.invalid \
    EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
    CELERY_BROKER_URL=redis://build.invalid:6379/0 STATIC_ROOT=/opt/static \
    convenant collectstatic --no-input --verbosity 0

# --- runtime: the virtualenv, the static files and the libraries they need --------------------
FROM python:3.11-slim-bookworm
# WeasyPrint (PDF reports) needs Pango and fonts; backups need pg_dump/pg_restore of the
# server's major version (15).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 convenant \
 && useradd --system --uid 10001 --gid convenant --home-dir /var/lib/convenant \
      --shell /usr/sbin/nologin convenant \
 && mkdir -p /var/lib/convenant \
 && chown convenant:convenant /var/lib/convenant
COPY --from=build /opt/venv /opt/venv
COPY --from=build /opt/static /opt/static
COPY deploy/gunicorn.conf.py /etc/convenant/gunicorn.conf.py
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=convenant.settings \
    STATIC_ROOT=/opt/static \
    CONVENANT_DATA_DIR=/var/lib/convenant \
    GUNICORN_BIND=0.0.0.0:8000
USER convenant
WORKDIR /var/lib/convenant
VOLUME ["/var/lib/convenant"]
EXPOSE 8000
# Liveness only: /readyz would take a web container out when the database blinks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "--config", "/etc/convenant/gunicorn.conf.py"]
