"""Fixtures of the DVCQG sync tests: the stand-in portal, a world with dossiers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal.dvcqg.standin import StandIn


@pytest.fixture
def standin(settings) -> Iterator[StandIn]:
    portal = StandIn(seed=7).start()
    settings.DVCQG_BASE_URL = portal.url
    settings.DVCQG_USERNAME = portal.username
    settings.DVCQG_PASSWORD = portal.password
    settings.DVCQG_UNIT_CODE = "000.00.00.H56"
    settings.DVCQG_TIMEOUT = 2.0
    settings.DVCQG_BACKOFF_SECONDS = 0.0
    settings.DVCQG_SEND_BUDGET_SECONDS = 5.0
    settings.DVCQG_CONCURRENCY = 1  # the test's data is not committed: one connection
    yield portal
    portal.close()
