# Staffroom: one image for the web server, the Celery worker and the scheduler (compose.yaml runs each).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

RUN groupadd --system staffroom && useradd --system --gid staffroom --home /app staffroom
WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .
# Static files are collected into the image (whitenoise serves them); the keys here exist only for this step.
RUN SECRET_KEY=build-only MFA_ENCRYPTION_KEY=build-only REDIS_URL=redis://build-only python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/var /tmp/prometheus && chown -R staffroom:staffroom /app/var /tmp/prometheus

USER staffroom
EXPOSE 8000
ENV GUNICORN_BIND=0.0.0.0:8000 PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health/live/', timeout=4)"
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
