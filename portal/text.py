"""Vietnamese text helpers: accent folding for search on any database."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, without diacritics, ``đ`` as ``d``, whitespace collapsed.

    ``fold("Đăng ký khai sinh") == "dang ky khai sinh"``; used for the search text kept beside
    names so that a search with or without accents finds the same rows on SQLite and PostgreSQL.
    """
    text = (text or "").lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped).strip()
