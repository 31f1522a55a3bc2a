"""The daily digest e-mail to operators (issue 6, O3; TG Art. 9, TN Art. 17.9).

Every area that has something operators must see each morning registers a *section*::

    from portal.ops import digest

    def failed_syncs(since: datetime) -> list[str]:
        return [f"{row.dossier.code}: {row.last_error}" for row in ...]

    digest.register("Failed syncs to DVCQG", failed_syncs)   # in AppConfig.ready()

``fn(since)`` returns the lines of its section (plain text, one item per line), an empty list when
there is nothing to report. The title is an English msgid: it is translated when the digest is
built. A section that raises is reported as failed in the digest, never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

SectionFn = Callable[[datetime], list[str]]


@dataclass(frozen=True)
class Section:
    name: str
    fn: SectionFn


_SECTIONS: dict[str, Section] = {}


def register(name: str, fn: SectionFn) -> None:
    """Add (or replace, by name) a digest section. Call it from ``AppConfig.ready``."""
    _SECTIONS[name] = Section(name, fn)


def sections() -> list[Section]:
    return list(_SECTIONS.values())


@dataclass(frozen=True)
class BuiltSection:
    title: str
    lines: list[str]
    failed: bool = False


def build(since: datetime) -> list[BuiltSection]:
    """Run every registered section for the period starting at ``since``."""
    built: list[BuiltSection] = []
    for section in sections():
        try:
            lines = [str(line) for line in section.fn(since)]
        except Exception:  # a broken section must not hide the others
            logger.exception("digest section %r failed", section.name)
            built.append(BuiltSection(_(section.name), [_("This section could not be built.")],
                                      failed=True))
            continue
        built.append(BuiltSection(_(section.name), lines))
    return built
