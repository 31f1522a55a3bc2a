"""Demo data for signatures: a test certificate authority and a certificate for every agency
leader (idempotent; run by ``seed_demo`` and ``create_test_ca``)."""

from __future__ import annotations

from portal.accounts.models import Membership
from portal.accounts.roles import Role

from .models import CertificateAuthority
from .services import certificate_for, create_authority, issue_certificate

TEST_CA_NAME = "CA thử nghiệm Cổng Dịch vụ công"


def test_authority() -> CertificateAuthority:
    authority = CertificateAuthority.objects.filter(name=TEST_CA_NAME).first()
    return authority or create_authority(TEST_CA_NAME, is_test=True)


def seed_signing() -> list[str]:
    """The test CA and a certificate for each leader in force without one; returns what it
    issued."""
    authority = test_authority()
    issued: list[str] = []
    leaders = (Membership.objects.current().filter(role=Role.AGENCY_LEADER)
               .select_related("user", "agency"))
    for membership in leaders:
        if certificate_for(membership.user, membership.agency_id) is None:
            cert = issue_certificate(membership.user, membership.agency, authority)
            issued.append(f"{membership.user.get_username()} @ {membership.agency.code}: "
                          f"{cert.subject}")
    return issued
