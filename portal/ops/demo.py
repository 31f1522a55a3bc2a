"""Demo data: a Thanh Hóa-like province after the 2025 reform (province departments and
communes), its officers (one account per role), a supervisor, an operator and citizens.

Idempotent: running it again updates the same rows and keeps passwords unless asked to reset.
Later issues append their own seeders to :data:`SEEDERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.accounts.services import sync_staff_flag
from portal.agencies.models import Agency, AgencyLevel, Province

DEMO_PASSWORD = "DemoPortal@2026"  # noqa: S105 - published on purpose, demo only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    agency_code: str | None = None
    personal_id: str | None = None
    kind: str = User.Kind.OFFICER
    unit: str = ""
    phone: str = ""
    email: str = ""
    leads_unit: bool = False


LEVELS = [
    ("province", "Cấp tỉnh", 0),
    ("department", "Sở, ban, ngành", 1),
    ("commune", "Cấp xã", 2),
]

#: (code, name, level, parent code, counter name, counter phone)
AGENCIES = [
    ("000.00.00.H56", "Ủy ban nhân dân tỉnh Thanh Hóa", "province", None, "", ""),
    ("000.00.01.H56", "Trung tâm Phục vụ hành chính công tỉnh", "department", "000.00.00.H56",
     "Trung tâm Phục vụ hành chính công tỉnh", "0237 3 750 750"),
    ("000.00.11.H56", "Sở Nội vụ", "department", "000.00.00.H56", "", "0237 3 852 255"),
    ("000.00.13.H56", "Sở Tư pháp", "department", "000.00.00.H56",
     "Bộ phận Một cửa Sở Tư pháp", "0237 3 852 070"),
    ("000.00.15.H56", "Sở Xây dựng", "department", "000.00.00.H56",
     "Bộ phận Một cửa Sở Xây dựng", "0237 3 852 349"),
    ("000.00.19.H56", "Sở Y tế", "department", "000.00.00.H56",
     "Bộ phận Một cửa Sở Y tế", "0237 3 852 497"),
    ("000.01.30.H56", "Ủy ban nhân dân phường Hạc Thành", "commune", "000.00.00.H56",
     "Trung tâm Phục vụ hành chính công phường Hạc Thành", "0237 3 851 111"),
    ("000.02.30.H56", "Ủy ban nhân dân phường Sầm Sơn", "commune", "000.00.00.H56",
     "Trung tâm Phục vụ hành chính công phường Sầm Sơn", "0237 3 821 222"),
    ("000.03.30.H56", "Ủy ban nhân dân xã Thọ Xuân", "commune", "000.00.00.H56",
     "Trung tâm Phục vụ hành chính công xã Thọ Xuân", "0237 3 833 333"),
]

ACCOUNTS = [
    DemoAccount("congdan", "Nguyễn Văn An", Role.CITIZEN, personal_id="038090001234",
                kind=User.Kind.CITIZEN, phone="0912345678", email="congdan@example.vn"),
    DemoAccount("doanhnghiep", "Lê Thị Bình (Công ty TNHH Hạc Thành)", Role.CITIZEN,
                personal_id="038185002345", kind=User.Kind.ORGANISATION, phone="0987654321"),
    DemoAccount("motcua.tuphap", "Trần Thị Cúc", Role.INTAKE_OFFICER, "000.00.13.H56",
                unit="Bộ phận Một cửa", email="motcua.tuphap@example.vn"),
    DemoAccount("chuyenvien.tuphap", "Phạm Văn Dũng", Role.PROCESSING_OFFICER, "000.00.13.H56",
                unit="Phòng Hành chính tư pháp"),
    DemoAccount("truongphong.tuphap", "Đặng Thu Hương", Role.PROCESSING_OFFICER, "000.00.13.H56",
                unit="Phòng Hành chính tư pháp", leads_unit=True),
    DemoAccount("lanhdao.tuphap", "Hoàng Minh Đức", Role.AGENCY_LEADER, "000.00.13.H56",
                unit="Ban Giám đốc"),
    DemoAccount("quantri.tuphap", "Vũ Thu Giang", Role.AGENCY_ADMIN, "000.00.13.H56",
                unit="Văn phòng Sở"),
    DemoAccount("motcua.hacthanh", "Đỗ Thị Hà", Role.INTAKE_OFFICER, "000.01.30.H56",
                unit="Bộ phận Một cửa"),
    DemoAccount("giamsat", "Ngô Quang Khải", Role.SUPERVISOR, "000.00.11.H56",
                unit="Phòng Cải cách hành chính"),
    DemoAccount("vanhanh", "Bùi Thanh Long", Role.OPERATOR, "000.00.01.H56",
                unit="Tổ kỹ thuật"),
]


def seed_province() -> Province:
    province = Province.objects.filter(pk=1).first() or Province()
    province.name = "Tỉnh Thanh Hóa"
    province.code = "H56"
    province.domain = "dichvucong.thanhhoa.gov.vn"
    province.portal_name = "Cổng Dịch vụ công"
    province.support_email = "hotro.dvc@thanhhoa.gov.vn"
    province.support_phone = "0237 3 750 750"
    province.support_hotline = "1022"
    province.owner = "Ủy ban nhân dân tỉnh Thanh Hóa (Văn phòng UBND tỉnh quản lý, vận hành)"
    province.feedback_deadline_working_days = 13
    province.intake_deadline_working_hours = 8
    province.save()
    return province


def seed_agencies() -> dict[str, Agency]:
    levels = {}
    for code, name, rank in LEVELS:
        levels[code], _ = AgencyLevel.objects.update_or_create(
            code=code, defaults={"name": name, "rank": rank}
        )
    agencies: dict[str, Agency] = {}
    for code, name, level, parent, counter, phone in AGENCIES:
        agencies[code], _ = Agency.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "level": levels[level],
                "parent": agencies.get(parent) if parent else None,
                "counter_name": counter,
                "counter_phone": phone,
                "counter_address": "Thành phố Thanh Hóa" if counter else "",
                "email": f"{code.replace('.', '')}@thanhhoa.gov.vn".lower(),
            },
        )
    return agencies


def seed_accounts(agencies: dict[str, Agency], reset_passwords: bool) -> list[DemoAccount]:
    for account in ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        created = user is None
        user = user or User(username=account.username)
        user.full_name = account.full_name
        user.kind = account.kind
        user.personal_id = account.personal_id
        user.phone = account.phone
        user.email = account.email or f"{account.username}@example.vn"
        user.is_active = True
        if account.kind != User.Kind.OFFICER:
            user.address = "Phường Hạc Thành, tỉnh Thanh Hóa"
        if created or reset_passwords:
            user.set_password(DEMO_PASSWORD)
        user.save()
        if account.agency_code:
            Membership.objects.update_or_create(
                user=user, agency=agencies[account.agency_code], role=account.role,
                defaults={"is_active": True, "ended_at": None, "unit": account.unit,
                          "leads_unit": account.leads_unit},
            )
        sync_staff_flag(user)
    return ACCOUNTS


def seed_core(reset_passwords: bool = False) -> list[DemoAccount]:
    seed_province()
    agencies = seed_agencies()
    return seed_accounts(agencies, reset_passwords)


#: Seeders run in order by ``manage.py seed_demo``; later apps append theirs.
SEEDERS: list[Callable[[], object]] = []


@transaction.atomic
def seed(reset_passwords: bool = False) -> list[DemoAccount]:
    accounts = seed_core(reset_passwords)
    for seeder in SEEDERS:
        seeder()
    return accounts
