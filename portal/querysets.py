"""One page of a list whose rows come from several branches (the officers' queues: "held by
me", "my agencies' as leader", "my unit's, not yet taken" …), each served by its own index.

One ``OR`` over the branches makes the database sort every visible row to find a page; reading
each branch in the list's order, cut at the page's end, and merging them touches only
``branches × page end`` index entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL


def merged_window(parts: Sequence[QuerySet[Any]], start: int, stop: int, *,
                  order: tuple[str, str] = ("due_at", "pk"),
                  distinct: bool = False) -> RawSQL | None:
    """The primary keys of rows ``start`` to ``stop`` of the union of ``parts``, in ``order``
    (a column, then ``pk`` as the tie-break), as an expression for ``pk__in``; ``None`` when
    no branch can match. ``distinct``: the branches may overlap (``UNION`` instead of
    ``UNION ALL``). The caller orders the rows it reads by the same ``order``."""
    sqls: list[str] = []
    params: list[Any] = []
    for i, part in enumerate(parts):
        keys = part.order_by(*order).values_list(*order)[:stop]
        try:
            sql, part_params = keys.query.sql_with_params()
        except EmptyResultSet:  # a branch that can match nothing
            continue
        sqls.append(f"SELECT * FROM ({sql}) AS b{i}")  # noqa: S608
        params.extend(part_params)
    if not sqls:
        return None
    quote = connection.ops.quote_name
    columns = ", ".join(f"u.{quote(name)}" for name in order)
    glue = " UNION " if distinct else " UNION ALL "
    return RawSQL(  # noqa: S611 - the branches are ORM-compiled SQL with their parameters
        f"SELECT u.{quote(order[-1])} FROM ({glue.join(sqls)}) AS u "  # noqa: S608
        f"ORDER BY {columns} LIMIT %s OFFSET %s", (*params, stop - start, start))
