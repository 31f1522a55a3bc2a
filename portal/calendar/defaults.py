"""The default Vietnamese calendar, from the ``holidays`` package.

Public holidays of Labour Code 2019 Art. 112 (New Year, Tết, Hùng Kings' day, 30/4, 1/5, National
Day and its adjacent day, Vietnam Cultural Day 24/11 from 2026) with their observed days, and the
days off the government swapped against a working Saturday. The package names such a day off
"Ngày nghỉ (thay cho ngày DD/MM/YYYY)" ("Day off (substituted from MM/DD/YYYY)" in English) but
does not list the Saturday worked in exchange: it is parsed from that name and added here as a
swapped working day. Years are generated lazily, so any year the calendar reaches has data.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from types import MappingProxyType

import holidays

from .core import VI_WEEKDAYS, SwappedDay, WorkingCalendar, YearDays

__all__ = ["default_calendar", "holiday_name", "substituted_date", "vietnam_year"]

_SUBSTITUTED_VI = re.compile(r"thay cho ngày (\d{1,2})/(\d{1,2})/(\d{4})")
_SUBSTITUTED_EN = re.compile(r"substituted from (\d{1,2})/(\d{1,2})/(\d{4})")
_REMARK = re.compile(r"^(?P<stem>.*?)(?P<remark>\s*\((?:nghỉ bù|dự kiến|nghỉ bù, dự kiến)\))?$")

#: The package's Vietnamese names, as shown to users (Labour Code 2019 Art. 112 wording).
_NAMES = {
    "Tết Dương lịch": "Tết Dương lịch",
    "29 Tết": "Tết Nguyên đán (29 Tết)",
    "Giao thừa Tết Nguyên Đán": "Tết Nguyên đán (Giao thừa)",
    "Tết Nguyên Đán": "Tết Nguyên đán (mùng 1)",
    "Mùng hai Tết Nguyên Đán": "Tết Nguyên đán (mùng 2)",
    "Mùng ba Tết Nguyên Đán": "Tết Nguyên đán (mùng 3)",
    "Mùng bốn Tết Nguyên Đán": "Tết Nguyên đán (mùng 4)",
    "Mùng năm Tết Nguyên Đán": "Tết Nguyên đán (mùng 5)",
    "Mùng sáu Tết Nguyên Đán": "Tết Nguyên đán (mùng 6)",
    "Ngày Giỗ Tổ Hùng Vương": "Giỗ Tổ Hùng Vương",
    "Ngày Chiến thắng": "Ngày Chiến thắng",
    "Ngày Quốc tế Lao động": "Ngày Quốc tế Lao động",
    "Quốc khánh": "Quốc khánh",
    "Ngày Văn hóa Việt Nam": "Ngày Văn hóa Việt Nam",
}


def substituted_date(name: str) -> date | None:
    """The working Saturday a swapped day off was exchanged for, read from its package name:
    ``Ngày nghỉ (thay cho ngày 22/08/2026)`` or ``Day off (substituted from 08/22/2026)``."""
    if m := _SUBSTITUTED_VI.search(name):
        day, month, year = m.groups()
    elif m := _SUBSTITUTED_EN.search(name):
        month, day, year = m.groups()
    else:
        return None
    return date(int(year), int(month), int(day))


def holiday_name(name: str) -> str:
    """The user-facing Vietnamese name of one package holiday (several are joined by "; ")."""
    out = []
    for part in name.split("; "):
        if (worked := substituted_date(part)) is not None:
            out.append(f"Nghỉ hoán đổi (làm bù {VI_WEEKDAYS[worked.weekday()]} "
                       f"{worked:%d/%m/%Y})")
            continue
        m = _REMARK.match(part)
        stem, remark = (m["stem"], m["remark"] or "") if m else (part, "")
        out.append(_NAMES.get(stem, stem) + remark)
    return "; ".join(out)


@lru_cache(maxsize=512)
def vietnam_year(year: int) -> YearDays:
    """Days off and swapped working days of ``year`` (Labour Code 2019 Art. 112 and the
    government's yearly swaps, as the ``holidays`` package knows them). Neighbouring years are
    read too: a swap may cross New Year (30/12/2018 off, 05/01/2019 worked)."""
    years = range(max(1, year - 1), min(9999, year + 1) + 1)
    package = holidays.country_holidays("VN", years=years, language="vi")
    days_off: dict[date, str] = {}
    working: dict[date, SwappedDay] = {}
    for day, name in sorted(package.items()):
        if day.year == year:
            days_off[day] = holiday_name(name)
        for part in name.split("; "):
            worked = substituted_date(part)
            if worked is not None and worked.year == year:
                working[worked] = SwappedDay(f"Làm bù cho ngày nghỉ {day:%d/%m/%Y}")
    return MappingProxyType(days_off), MappingProxyType(working)


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """Monday-Friday 07:30-11:30 and 13:30-17:30 with the package's days off and swaps."""
    return WorkingCalendar(provider=vietnam_year)
