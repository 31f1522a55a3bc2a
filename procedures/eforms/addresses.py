"""Province and commune lists of the two-level administrative map in force since 1 July 2025
(34 provinces and centrally-run cities, communes / wards / special zones), from the
``vietnam_provinces`` package."""

from __future__ import annotations

from functools import lru_cache

from vietnam_provinces import Province, Ward

from portal.text import fold


@lru_cache(maxsize=1)
def provinces() -> list[tuple[int, str]]:
    """``(code, name)`` of every province, sorted by name (Vietnamese, accent-insensitive)."""
    return sorted(((int(p.code), p.name) for p in Province.iter_all()),
                  key=lambda pair: fold(pair[1]))


@lru_cache(maxsize=1)
def _communes_by_province() -> dict[int, list[tuple[int, str]]]:
    grouped: dict[int, list[tuple[int, str]]] = {}
    for ward in Ward.iter_all():
        grouped.setdefault(int(ward.province_code), []).append((int(ward.code), ward.name))
    for rows in grouped.values():
        rows.sort(key=lambda pair: fold(pair[1]))
    return grouped


def communes(province_code: int) -> list[tuple[int, str]]:
    """``(code, name)`` of the communes, wards and special zones of a province."""
    return list(_communes_by_province().get(int(province_code), []))


def province_name(code: int | str | None) -> str:
    try:
        return Province.from_code(int(code)).name  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def commune_name(code: int | str | None) -> str:
    try:
        return Ward.from_code(int(code)).name  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def commune_province(code: int | str | None) -> int | None:
    """The province a commune belongs to, ``None`` for an unknown code."""
    try:
        return int(Ward.from_code(int(code)).province_code)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def is_province(code: int | str | None) -> bool:
    return bool(province_name(code))


def format_address(value: dict | None) -> str:
    """``street, commune, province`` of an address value, the parts that are known."""
    if not isinstance(value, dict):
        return ""
    parts = [str(value.get("street") or "").strip(), commune_name(value.get("commune")),
             province_name(value.get("province"))]
    return ", ".join(p for p in parts if p)


def province_by_name(text: str) -> int | None:
    """The province whose name appears in ``text`` (accent-insensitive), e.g. a deployment's
    province name or the end of a free-text address."""
    folded = fold(text or "")
    best: tuple[int, int] | None = None
    for code, name in provinces():
        key = fold(name.removeprefix("Thành phố ").removeprefix("Tỉnh "))
        if key and key in folded and (best is None or len(key) > best[1]):
            best = (code, len(key))
    return best[0] if best else None


def parse_address(text: str) -> dict[str, object]:
    """Best-effort split of a free-text address into the structured value: the province and
    commune are set when their names appear in the text, and the street is the text before the
    commune name (or the whole text)."""
    text = (text or "").strip()
    value: dict[str, object] = {"province": None, "commune": None, "street": text}
    province = province_by_name(text)
    if province is None:
        return value
    value["province"] = province
    parts = [p.strip() for p in text.split(",")]
    folded_parts = [fold(p) for p in parts]
    for code, name in communes(province):
        key = fold(name)
        if key in folded_parts:
            index = folded_parts.index(key)
            value["commune"] = code
            value["street"] = ", ".join(parts[:index])
            break
    return value
