"""Reloading models whose django-fsm state field is protected, safely under threads.

django-fsm lets ``refresh_from_db`` write a protected state field by switching the field's
protection off for the duration — on the field object shared by every thread of the process,
so another thread's direct write could slip through or a concurrent reload fail. The state
machines of this project (dossiers, feedback) reload through :class:`ProtectedStateMixin`
instead, which writes the loaded values into the instance itself (as Django's own loading
does) and never touches the shared field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


class ProtectedStateMixin(models.Model):
    """Put before ``ConcurrentTransitionMixin`` in the model's bases."""

    class Meta:
        abstract = True

    def refresh_from_db(self, using: str | None = None, fields: Iterable[str] | None = None,
                        from_queryset: models.QuerySet[Any] | None = None) -> None:
        names = None if fields is None else list(fields)
        if names is not None:  # a prefetched relation named in ``fields`` is dropped, as Django
            prefetched = getattr(self, "_prefetched_objects_cache", {})
            for name in [n for n in names if n in prefetched]:
                del prefetched[name]
                names.remove(name)
            if not names:
                return
        if from_queryset is not None:
            rows = from_queryset.using(using) if using else from_queryset
        else:
            rows = type(self)._base_manager.db_manager(using, hints={"instance": self}).all()
        self.adopt(rows.get(pk=self.pk), names)

    def adopt(self, source: models.Model, fields: Iterable[str] | None = None) -> None:
        """Take the values of ``source`` — the same row, just loaded (e.g. under a row lock)
        and possibly changed and saved — without another query."""
        wanted = set(fields) if fields is not None else None
        cache = self._state.fields_cache
        for field in self._meta.concrete_fields:
            if wanted is not None and not {field.name, field.attname} & wanted:
                continue
            if field.attname not in source.__dict__:  # deferred in the source
                continue
            self.__dict__[field.attname] = source.__dict__[field.attname]
            if field.is_relation:  # the source's related object, else none (as Django does)
                if field.name in source._state.fields_cache:
                    cache[field.name] = source._state.fields_cache[field.name]
                else:
                    cache.pop(field.name, None)
        if wanted is None:
            for related in self._meta.related_objects:  # reverse one-to-one, as Django does
                if related.is_cached(self):
                    related.delete_cached_value(self)
            self.__dict__.pop("_prefetched_objects_cache", None)
        self._state.db = source._state.db
        self._state.adding = False
        update = getattr(self, "_update_initial_state", None)
        if update is not None:  # django-fsm's ConcurrentTransitionMixin
            update()
