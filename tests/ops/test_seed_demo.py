"""``seed_demo`` loads one account per role and is idempotent."""

import pytest
from django.core.management import call_command

from portal.accounts import permissions
from portal.accounts.models import Membership, User
from portal.accounts.roles import Role
from portal.agencies.models import Agency, Province
from portal.ops.demo import ACCOUNTS, DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_every_role(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Agency.objects.count(), Membership.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Agency.objects.count(), Membership.objects.count()) == counts
    roles = set()
    for account in ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        roles |= permissions.roles_of(user)
    assert roles == set(Role)
    province = Province.current()
    assert province.name == "Tỉnh Thanh Hóa"
    assert province.feedback_deadline_working_days == 13
    from procedures.models import Procedure

    assert Procedure.objects.filter(is_sample=True).published().count() >= 25
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert "motcua.tuphap" in out


def test_seed_demo_keeps_changed_passwords_unless_reset():
    call_command("seed_demo")
    user = User.objects.get(username="congdan")
    user.set_password("Changed-by-citizen-1")
    user.save()
    call_command("seed_demo")
    assert User.objects.get(username="congdan").check_password("Changed-by-citizen-1")
    call_command("seed_demo", reset_passwords=True)
    assert User.objects.get(username="congdan").check_password(DEMO_PASSWORD)


def test_staff_flag_follows_roles():
    call_command("seed_demo")
    staff = set(User.objects.filter(is_staff=True).values_list("username", flat=True))
    assert staff == {"quantri.tuphap", "vanhanh"}
