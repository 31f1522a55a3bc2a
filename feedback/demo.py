"""Demo feedback items (filled in below)."""

from __future__ import annotations


def seed_feedback() -> None:
    """Idempotent demo seeder (see ``portal.ops.demo.SEEDERS``)."""
