# The production image: Django under gunicorn; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production \
    DVC_VAR_DIR=/var/lib/dichvucong

# postgresql-client-16 (pg_dump/pg_restore for `manage.py backup`, matching the postgres:16
# service) comes from the PostgreSQL apt repository: bookworm itself ships 15.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
      libharfbuzz-subset0 shared-mime-info fonts-noto-core fonts-dejavu-core gettext curl procps \
      ca-certificates gnupg \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsS -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
      https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-client-16 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 1000 --home /app dvc

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN mkdir -p /var/lib/dichvucong/media /var/lib/dichvucong/static /var/lib/dichvucong/backups \
 && SECRET_KEY=build ALLOWED_HOSTS=build python manage.py collectstatic --noinput -v0 \
 && chown -R dvc /var/lib/dichvucong

USER dvc
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-"]
