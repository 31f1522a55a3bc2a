"""Shared by the benchmark scripts: the bench database on PostgreSQL."""

from __future__ import annotations


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
