"""Shared by the benchmark scripts: the bench database on PostgreSQL, Django's set-up, the
preparation of the demo data, and the timing of pages with the results table."""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 150.0
TARGET_QUERIES = 10

Timings = tuple[list[float], list[int], list[str]]  # ms per request, queries, last request's SQL


def create_database_if_missing(url: str) -> None:
    """``CREATE DATABASE`` on PostgreSQL when the database in ``url`` does not exist yet."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import environ
    import psycopg
    from psycopg import sql

    cfg = environ.Env.db_url_config(url)
    params = {"host": cfg.get("HOST") or None, "port": cfg.get("PORT") or None,
              "user": cfg.get("USER") or None, "password": cfg.get("PASSWORD") or None}
    with psycopg.connect(dbname="postgres", autocommit=True,
                         **{k: v for k, v in params.items() if v}) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
            print(f"created database {cfg['NAME']}")


def require_database_url(example: str, contents: str = "") -> str:
    """``DATABASE_URL``, or exit naming the ``example`` database (holding ``contents``)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        warning = f"{contents}; never point it at real data" if contents else "never real data"
        sys.exit("Set DATABASE_URL to the benchmark database, e.g. "
                 f"postgres://postgres@127.0.0.1:5432/{example} ({warning}).")
    return url


def setup_django() -> None:
    """Put the repository on ``sys.path``, default to the development settings, set Django up."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.development")
    import django

    django.setup()


def start(url: str) -> None:
    """Create the database of ``url`` when it is missing, then set Django up."""
    create_database_if_missing(url)
    setup_django()


def migrate() -> None:
    """Apply the migrations, quietly."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_demo(*, once: bool = False) -> None:
    """Load the demo data; with ``once``, only when its operator ``vanhanh`` is missing."""
    from django.core.management import call_command

    from portal.accounts.models import User

    if not once or not User.objects.filter(username="vanhanh").exists():
        call_command("seed_demo", quiet_accounts=True)


def top_up_dossiers(count: int, batch: int) -> int:
    """Load dossiers with ``seed_dossiers`` (COPY) up to ``count``; how many there were before."""
    from django.core.management import call_command

    from dossiers.models import Dossier

    have = Dossier.objects.count()
    if have < count:
        print(f"{have:,} dossiers, loading {count - have:,} more")
        call_command("seed_dossiers", count=count - have, batch=batch)
    return have


def prepare(count: int, batch: int) -> None:
    """Migrate, load the demo data and top the dossiers up to ``count``."""
    migrate()
    seed_demo()
    have = top_up_dossiers(count, batch)
    if have >= count:
        print(f"{have:,} dossiers already loaded")


def bench_member(username: str, full_name: str, agency: Any, role: str,
                 **membership: Any) -> Any:
    """The officer ``username`` (made once, no password) with an active ``role`` in ``agency``."""
    from portal.accounts.models import Membership, User

    user = User.objects.filter(username=username).first() or User(
        username=username, full_name=full_name, kind=User.Kind.OFFICER)
    user.set_unusable_password()  # signed in by force_login only: no password to expire
    user.save()
    Membership.objects.update_or_create(
        user=user, agency=agency, role=role,
        defaults={**membership, "is_active": True, "ended_at": None})
    return user


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(client: Any, url: str, n: int, expect: int = 200, *, vary_ip: bool = False,
            before: Callable[[], None] | None = None) -> Timings:
    """``n`` timed GETs of ``url`` (after one warm-up) answering ``expect``, else exits."""
    # vary_ip: each request from its own address, as many citizens looking up at once (the
    # look-up is rate limited per address); before: called before each request, untimed.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the expected 404s
    client.get(url, REMOTE_ADDR="10.255.0.1")
    times: list[float] = []
    queries: list[int] = []
    sql: list[str] = []
    for i in range(n):
        extra = {"REMOTE_ADDR": f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"} if vary_ip \
            else {}
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, **extra)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != expect:
            sys.exit(f"GET {url}: HTTP {response.status_code}, expected {expect}")
        times.append(elapsed)
        queries.append(len(captured.captured_queries))
        sql = [q["sql"] for q in captured.captured_queries]
    return times, queries, sql


@dataclass
class Page:
    """A page to time: its label in the table, who requests it, and how."""

    label: str
    client: Any
    url: str
    expect: int = 200
    vary_ip: bool = False
    before: Callable[[], None] | None = None


def print_header(width: int) -> None:
    """The header of the results table, pages ``width`` characters wide."""
    print(f"{'page':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}  target")


def print_row(label: str, times: list[float], queries: list[int], width: int) -> bool:
    """One page's line of the results table; whether it meets the targets."""
    p50, p95 = statistics.median(times), percentile(times, 0.95)
    ok = p95 < TARGET_P95_MS and max(queries) <= TARGET_QUERIES
    shown = str(min(queries)) if min(queries) == max(queries) else \
        f"{min(queries)}-{max(queries)}"
    print(f"{label:<{width}} {p50:>8.1f} {p95:>8.1f} {max(times):>8.1f} {shown:>8}  "
          f"{'ok' if ok else 'MISSED'}")
    return ok


def time_pages(pages: Iterable[Page], requests: int,
               width: int) -> tuple[bool, dict[str, list[str]]]:
    """Time the pages into the results table; whether all met the targets, each one's last SQL."""
    print_header(width)
    met = True
    last_sql: dict[str, list[str]] = {}
    for page in pages:
        times, queries, sql = measure(page.client, page.url, requests, page.expect,
                                      vary_ip=page.vary_ip, before=page.before)
        ok = print_row(page.label, times, queries, width)
        met = met and ok
        last_sql[page.label] = sql
    return met, last_sql


def print_targets(met: bool) -> None:
    """The closing line: whether the p95 and query targets are met."""
    print(f"\ntargets (p95 < {TARGET_P95_MS:.0f} ms, ≤ {TARGET_QUERIES} queries): "
          f"{'met' if met else 'NOT met'}")


def explain(sql: str, *, buffers: bool = True) -> str:
    """The plan of ``sql`` as it runs (``EXPLAIN ANALYZE``, with the buffers by default)."""
    from django.db import connection

    options = "ANALYZE, BUFFERS" if buffers else "ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def print_plans(last_sql: dict[str, list[str]], labels: Iterable[str], marker: str) -> None:
    """For each of ``labels``: its last request's queries containing ``marker``, with plans."""
    for label in labels:
        for sql in last_sql.get(label, []):
            if marker in sql:
                print(f"\n-- {label}:\n{sql}\n{explain(sql)}")
