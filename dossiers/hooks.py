"""Work other apps attach to every dossier event, run inside the transition's transaction.

The DVCQG outbox (I1) and the satisfaction survey (K4) must be written in the same transaction
as the event that causes them, so that a rolled-back transition leaves no trace and a committed
one is never missed. Each app registers its handler from its ``AppConfig.ready``; a handler must
only write rows (no network): slow or remote work goes to a task via ``transaction.on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import DossierEvent

EventHandler = Callable[["DossierEvent"], None]

_handlers: dict[str, EventHandler] = {}


def on_event(name: str, handler: EventHandler) -> None:
    """Register ``handler`` under ``name`` (registering the same name again replaces it)."""
    _handlers[name] = handler


def run_event_handlers(event: DossierEvent) -> None:
    for handler in list(_handlers.values()):
        handler(event)
