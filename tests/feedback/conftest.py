"""A small world for the feedback tests: the province, two departments, a commune, staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.agencies.models import Agency, AgencyLevel, Province
from tests.factories import AgencyFactory, UserFactory, officer

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: Monday 2 November 2026, 09:00 in Vietnam: a plain working week, no holiday until 24/11.
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=VN)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    province_agency: Agency
    justice: Agency
    health: Agency
    commune: Agency
    operator: User
    supervisor: User
    clerk: User
    leader: User
    health_officer: User
    citizen: User


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make_world(deadline_days: int = 13) -> World:
    Province(name="Tỉnh Thanh Hóa", code="H56",
             feedback_deadline_working_days=deadline_days).save()
    dept = AgencyLevel.objects.get_or_create(code="department",
                                             defaults={"name": "Sở", "rank": 1})[0]
    commune_level = AgencyLevel.objects.get_or_create(code="commune",
                                                      defaults={"name": "Cấp xã", "rank": 2})[0]
    root = AgencyFactory(code="000.00.00.H56", name="UBND tỉnh", level=dept)
    justice = AgencyFactory(code="000.00.13.H56", name="Sở Tư pháp", level=dept, parent=root)
    health = AgencyFactory(code="000.00.19.H56", name="Sở Y tế", level=dept, parent=root)
    commune = AgencyFactory(code="000.01.30.H56", name="UBND phường Hạc Thành",
                            level=commune_level, parent=root)
    world = World(
        province_agency=root, justice=justice, health=health, commune=commune,
        operator=officer(root, Role.OPERATOR, username="vanhanh"),
        supervisor=officer(root, Role.SUPERVISOR, username="giamsat"),
        clerk=officer(justice, Role.INTAKE_OFFICER, username="motcua"),
        leader=officer(justice, Role.AGENCY_LEADER, username="lanhdao"),
        health_officer=officer(health, Role.PROCESSING_OFFICER, username="yte"),
        citizen=UserFactory(username="congdan", full_name="Nguyễn Văn An"),
    )
    Membership.objects.update(started_at=datetime(2020, 1, 1, tzinfo=VN))
    return world


@pytest.fixture
def world(db) -> World:
    return make_world()
