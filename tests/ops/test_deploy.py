"""Production settings pass Django's deployment checks; the compose topology stays valid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _clean_env() -> dict[str, str]:
    """The environment of a production process: no test-only switches."""
    return {k: v for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG"}}


def test_production_settings_pass_check_deploy(tmp_path):
    env = {**_clean_env(), "DJANGO_SETTINGS_MODULE": "portal.settings.production",
           "SECRET_KEY": "x7#kq!3v" * 8, "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
           "DVC_VAR_DIR": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _clean_env()
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.production",
                "ALLOWED_HOSTS": "example.gov.vn", "DVC_VAR_DIR": str(tmp_path)})
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )
    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr


def _compose_client() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"],
                                 capture_output=True).returncode == 0:
        return [docker, "compose"]
    return None


def test_compose_file_is_the_production_topology():
    """``docker compose config -q`` when the client has compose; the structure always."""
    client = _compose_client()
    if client:
        run = subprocess.run([*client, "-f", "docker-compose.yml", "config", "-q"],
                             cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "POSTGRES_PASSWORD": "x"})
        assert run.returncode == 0, run.stderr
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert {"media", "pgdata", "redisdata"} <= set(compose["volumes"])
    assert services["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == (
        "portal.settings.production")
