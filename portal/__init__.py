"""dichvucong: the province's public-service portal and electronic one-stop shop.

The Celery app is imported here so that ``shared_task`` binds to it when Django starts.
"""

from .celery import app as celery_app

__all__ = ("celery_app",)
