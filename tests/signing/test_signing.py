"""Signing certificates, PAdES signatures and their validation (D7)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from weasyprint import HTML

from portal.accounts.roles import Role
from portal.signing import services
from portal.signing.models import SigningCertificate
from portal.signing.selectors import expiring_certificates
from tests.factories import AgencyFactory, officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):  # the messages are matched in English
        yield


@pytest.fixture
def leader_cert():
    agency = AgencyFactory()
    leader = officer(agency, Role.AGENCY_LEADER, full_name="Hoàng Minh Đức")
    authority = services.create_authority("CA kiểm thử")
    return services.issue_certificate(leader, agency, authority)


def _pdf(text: str = "Quyết định số 12/QĐ") -> bytes:
    return HTML(string=f"<h1>{text}</h1><p>Nội dung kết quả.</p>").write_pdf()


def test_signed_pdf_validates_with_signer_and_time(leader_cert):
    signed = services.sign_pdf(_pdf(), leader_cert, reason="Ký kết quả")
    report = services.validate(signed)
    assert report.valid, report.problems
    assert report.signer == "Hoàng Minh Đức"
    assert report.signed_at is not None
    assert abs((timezone.now() - report.signed_at).total_seconds()) < 120
    assert report.problems == []


def test_invisible_signature_also_validates(leader_cert):
    report = services.validate(services.sign_pdf(_pdf(), leader_cert, visible=False))
    assert report.valid


def test_tampered_pdf_fails(leader_cert):
    signed = bytearray(services.sign_pdf(_pdf(), leader_cert))
    at = signed.find(b"stream") + 20  # a byte of the first content stream
    signed[at] ^= 0x01
    report = services.validate(bytes(signed))
    assert not report.valid
    assert not report.intact
    assert "changed after it was signed" in " ".join(report.problems)


def test_content_appended_after_signing_is_not_whole_coverage(leader_cert):
    signed = services.sign_pdf(_pdf(), leader_cert)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/Lang"] = generic.TextStringObject("vi")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    report = services.validate(out.getvalue())
    assert report.intact
    assert not report.covers_whole
    assert not report.valid


def test_untrusted_authority_fails(leader_cert):
    signed = services.sign_pdf(_pdf(), leader_cert)
    leader_cert.authority.trusted = False
    leader_cert.authority.save()
    report = services.validate(signed)
    assert report.intact
    assert not report.trusted
    assert not report.valid


def test_certificate_of_an_unknown_authority_is_untrusted(leader_cert):
    # A certificate issued by a CA that is then removed from the trusted list entirely.
    other_ca = services.create_authority("CA lạ", trusted=True)
    other = services.issue_certificate(leader_cert.user, leader_cert.agency, other_ca)
    signed = services.sign_pdf(_pdf(), other)
    other_ca.trusted = False
    other_ca.save()
    assert not services.validate(signed).trusted
    assert services.validate(services.sign_pdf(_pdf(), leader_cert)).trusted


def test_unsigned_pdf_reports_no_signature():
    report = services.validate(_pdf())
    assert not report.signed and not report.valid


def test_revoked_or_expired_certificate_cannot_sign(leader_cert):
    leader_cert.revoked_at = timezone.now()
    leader_cert.save()
    with pytest.raises(services.SigningError):
        services.sign_pdf(_pdf(), leader_cert)
    assert services.certificate_for(leader_cert.user, leader_cert.agency_id) is None


def test_personal_passphrase_is_required(leader_cert):
    cert = services.issue_certificate(leader_cert.user, leader_cert.agency,
                                      leader_cert.authority, passphrase="bí-mật")
    with pytest.raises(services.SigningError):
        services.sign_pdf(_pdf(), cert)
    with pytest.raises(services.SigningError):
        services.sign_pdf(_pdf(), cert, passphrase="sai")
    assert services.validate(services.sign_pdf(_pdf(), cert, passphrase="bí-mật")).valid


def test_key_is_stored_encrypted(leader_cert):
    from cryptography.hazmat.primitives.serialization import pkcs12

    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(bytes(leader_cert.key_pkcs12), None)


def test_create_test_ca_is_idempotent_and_covers_leaders():
    agency = AgencyFactory()
    leader = officer(agency, Role.AGENCY_LEADER)
    officer(agency, Role.PROCESSING_OFFICER)
    call_command("create_test_ca")
    call_command("create_test_ca")
    assert SigningCertificate.objects.count() == 1
    assert SigningCertificate.objects.get().user == leader


def test_digest_lists_certificates_expiring_within_30_days(leader_cert):
    assert expiring_certificates(timezone.now()) == []
    SigningCertificate.objects.filter(pk=leader_cert.pk).update(
        not_after=timezone.now() + timedelta(days=10))
    lines = expiring_certificates(timezone.now())
    assert len(lines) == 1 and "Hoàng Minh Đức" in lines[0]


def test_operator_revokes_in_admin_and_other_officers_cannot(client, leader_cert):
    from django.urls import reverse

    from tests.factories import UserFactory

    url = reverse("admin:signing_signingcertificate_changelist")
    client.force_login(leader_cert.user)
    assert client.get(url).status_code in (302, 403)
    operator = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(operator)
    response = client.post(url, {"action": "revoke", "_selected_action": [leader_cert.pk]})
    assert response.status_code == 302
    leader_cert.refresh_from_db()
    assert leader_cert.revoked_at is not None


def test_pyhanko_calls_work_inside_a_running_event_loop():
    # pyHanko's sync API calls asyncio.run(): from a thread that runs a loop (an async caller,
    # a Playwright test) it is moved to a worker thread.
    import asyncio

    async def inside() -> int:
        return services._outside_event_loop(lambda: asyncio.run(asyncio.sleep(0, result=42)))

    assert asyncio.run(inside()) == 42
