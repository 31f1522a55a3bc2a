"""The default, embedded mode: SQLite, local files, Celery on the filesystem transport.

Safe defaults for a developer's machine; never use it on the Internet.
"""

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SECRET_KEY, VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me-9b1f2c7e4a6d8f0b3c5e7a9d1f3b5c7e"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]", "testserver"]
for sub in ("media", "static", "celery/out", "celery/processed", "celery/control"):
    (VAR_DIR / sub).mkdir(parents=True, exist_ok=True)
