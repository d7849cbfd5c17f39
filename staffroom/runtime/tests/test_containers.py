"""The container files, read as files: no image is built here (no container engine in CI), so the test checks that
compose.yaml and the Dockerfile describe the installation the operator guide documents and nothing they cannot reach."""

import re
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = {"migrate", "web", "worker", "scheduler"}


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_web_worker_scheduler_postgres_and_redis():
    services = compose()["services"]
    assert set(services) == APP_SERVICES | {"postgres", "redis"}
    assert services["postgres"]["image"] == "postgres:15" and services["redis"]["image"].startswith("redis:")
    assert services["web"]["command"] == ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["scheduler"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"] == "." and service["image"] == "staffroom:latest"
        environment = service["environment"]
        assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
        assert "@postgres:5432/" in environment["DATABASE_URL"]
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert environment["REDIS_URL"].startswith("redis://redis:6379/")
        for dependency in service["depends_on"]:
            assert dependency in services
    # The app waits for a migrated database; the database and Redis report health.
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "/health/ready/" in " ".join(services["web"]["healthcheck"]["test"])
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"]


def test_every_variable_compose_reads_is_documented_in_the_env_example():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z_]+)", text))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M))
    assert used <= documented, used - documented


def test_the_dockerfile_builds_from_files_in_the_repository_and_serves_what_compose_runs():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    base_images = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    assert base_images == ["python:3.11-slim-bookworm"]
    for source in re.findall(r"^COPY\s+(\S+)\s", dockerfile, re.M):
        assert (ROOT / source).exists(), source
    assert 'CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]' in dockerfile
    assert (ROOT / "config" / "gunicorn.conf.py").is_file()
    # Everything the image installs is pinned in requirements.txt (no downloads of anything else at build time).
    assert "pip install -r requirements.txt" in dockerfile
    assert not re.search(r"\b(curl|wget)\b", dockerfile)
