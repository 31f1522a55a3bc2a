"""Results (D7): prepare, sign, settle, return — every guard."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from dossiers import results, services
from dossiers.models import Dossier, DossierEvent, DossierResult
from dossiers.notifications import message_for
from dossiers.services import DossierError
from dossiers.states import Delivery, State
from portal.accounts.roles import Role
from tests.dossiers.results_world import make_world, pdf_upload
from tests.factories import officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):  # the messages are matched in English
        yield


@pytest.fixture
def world():
    return make_world()


def _signed(world, delivery=Delivery.ONLINE):
    d = world.dossier(delivery=delivery)
    result = results.prepare_result(d, by=world.processor, title="Phiếu lý lịch tư pháp",
                                    number="12/PLL", upload=pdf_upload())
    return d, results.sign_result(result, by=world.leader)


# -- prepare --------------------------------------------------------------------------------


def test_prepare_from_upload_and_from_template(world):
    d = world.dossier()
    uploaded = results.prepare_result(d, by=world.processor, title="Giấy phép", upload=pdf_upload())
    assert uploaded.file.read().startswith(b"%PDF-") and not uploaded.is_signed
    generated = results.prepare_result(d, by=world.leader, title="Quyết định", number="7/QĐ",
                                       content="Điều 1. Cấp phiếu cho ông Nguyễn Văn An.")
    # the unsigned draft is replaced, not accumulated
    assert list(d.results.all()) == [generated]
    assert generated.file.read().startswith(b"%PDF-")
    assert DossierEvent.objects.filter(dossier=d, transition="prepare_result").count() == 2
    assert d.state == State.PROCESSING


def test_prepare_refuses_a_non_pdf_or_malware(world):
    d = world.dossier()
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452")
    with pytest.raises(DossierError, match="accepted type"):
        results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload("a.pdf", png))
    with pytest.raises(DossierError, match="malware"):
        results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload(
            "a.pdf", b"%PDF-1.4 EICAR-STANDARD-ANTIVIRUS-TEST-FILE"))
    with pytest.raises(DossierError):
        results.prepare_result(d, by=world.processor, title="KQ")
    assert not d.results.exists()


def test_prepare_denied_to_intake_officer_and_other_agency(world):
    d = world.dossier()
    for who in (world.clerk, world.other_leader, world.citizen):
        with pytest.raises(DossierError, match="no right"):
            results.prepare_result(d, by=who, title="KQ", upload=pdf_upload())


def test_prepare_only_while_processing(world):
    d = services.start_draft(world.procedure, applicant=world.citizen)
    with pytest.raises(DossierError, match="no longer possible"):
        results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())


# -- sign -----------------------------------------------------------------------------------


def test_leader_signs_and_signature_validates(world):
    d, result = _signed(world)
    assert result.is_signed and result.signed_by == world.leader
    assert "Hoàng Minh Đức" in result.signer_subject
    report = results.signature_report(result)
    assert report.valid and report.signer == "Hoàng Minh Đức"
    event = DossierEvent.objects.get(dossier=d, transition="sign_result")
    assert event.data["sha256"] == result.sha256


def test_only_a_leader_of_the_processing_agency_signs(world):
    d = world.dossier()
    result = results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())
    with pytest.raises(DossierError, match="no right"):
        results.sign_result(result, by=world.processor)
    with pytest.raises(DossierError, match="no right"):
        results.sign_result(result, by=world.other_leader)


def test_a_leader_without_a_certificate_cannot_sign(world):
    d = world.dossier()
    result = results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())
    new_leader = officer(world.agency, Role.AGENCY_LEADER)
    with pytest.raises(DossierError, match="certificate"):
        results.sign_result(result, by=new_leader)
    world.certificate.revoked_at = timezone.now()
    world.certificate.save()
    with pytest.raises(DossierError, match="certificate"):
        results.sign_result(result, by=world.leader)
    result.refresh_from_db()
    assert not result.is_signed


def test_a_signed_result_is_signed_once_and_not_replaced(world):
    d, result = _signed(world)
    with pytest.raises(DossierError, match="already signed"):
        results.sign_result(result, by=world.leader)
    with pytest.raises(DossierError, match="signed result"):
        results.prepare_result(d, by=world.processor, title="KQ2", upload=pdf_upload())


# -- settle ---------------------------------------------------------------------------------


def test_settle_refused_without_signed_result(world):
    d = world.dossier(delivery=Delivery.COUNTER)
    with pytest.raises(DossierError, match="must be signed"):
        results.settle(d, by=world.processor)
    results.prepare_result(d, by=world.processor, title="KQ", upload=pdf_upload())
    with pytest.raises(DossierError, match="must be signed"):
        results.settle(d, by=world.processor)
    d.refresh_from_db()
    assert d.state == State.PROCESSING and d.settled_at is None


def test_settle_refused_with_an_open_step(world):
    d, _result = _signed(world, Delivery.COUNTER)
    world.open_step(d)
    with pytest.raises(DossierError, match="step is still open"):
        results.settle(d, by=world.processor)


def test_settle_denied_to_other_agency(world):
    d, _result = _signed(world, Delivery.COUNTER)
    with pytest.raises(DossierError, match="no right"):
        results.settle(d, by=world.other_leader)


def test_settle_online_releases_at_once_by_the_system(world):
    d, result = _signed(world, Delivery.ONLINE)
    d = results.settle(d, by=world.processor)
    assert d.state == State.RETURNED and d.settled_at and d.returned_at
    event = DossierEvent.objects.get(dossier=d, transition="return_result")
    assert event.actor_kind == "system" and event.data["how"] == "online"
    assert event.data["result"] == result.pk
    # the applicant's message says where the signed result is kept, with the link
    _subject, body = message_for(event) or ("", "")
    assert "Kho dữ liệu" in body and reverse("warehouse:list") in body


# -- return ---------------------------------------------------------------------------------


def test_counter_hand_over_is_recorded(world):
    d, _result = _signed(world, Delivery.COUNTER)
    d = results.settle(d, by=world.processor)
    assert d.state == State.SETTLED
    with pytest.raises(DossierError, match="ID number"):
        results.return_result(d, by=world.clerk, how="counter", received_by="Nguyễn Văn An")
    with pytest.raises(DossierError, match="no right"):
        results.return_result(d, by=world.processor, how="counter", received_by="A",
                              received_id_number="1")
    d = results.return_result(d, by=world.clerk, how="counter", received_by="Nguyễn Văn An",
                              received_id_number="038090001234")
    assert d.state == State.RETURNED
    event = DossierEvent.objects.get(dossier=d, transition="return_result")
    assert event.data["received_by"] == "Nguyễn Văn An"
    assert event.data["received_id_number"] == "038090001234"
    assert "Kho dữ liệu" not in (message_for(event) or ("", ""))[1]  # handed over on paper
    assert event.data["received_at"] and event.actor == world.clerk


def test_post_needs_tracking_number(world):
    d, _result = _signed(world, Delivery.POST)
    d = results.settle(d, by=world.processor)
    with pytest.raises(DossierError, match="tracking"):
        results.return_result(d, by=world.clerk, how="post")
    d = results.return_result(d, by=world.clerk, how="post", tracking_number="EL123456789VN")
    assert DossierEvent.objects.get(dossier=d, transition="return_result").data[
        "tracking_number"] == "EL123456789VN"


def test_an_unsigned_result_can_never_be_released(world):
    d, result = _signed(world, Delivery.COUNTER)
    d = results.settle(d, by=world.processor)
    # the signature disappears (e.g. a broken import): release must still be refused
    DossierResult.objects.filter(pk=result.pk).update(signed_file="", signed_at=None)
    for how, extra in (("online", {}), ("counter", {"received_by": "A",
                                                     "received_id_number": "1"}),
                       ("post", {"tracking_number": "X1"})):
        with pytest.raises(DossierError, match="unsigned"):
            results.return_result(d, by=world.clerk, how=how, **extra)
    d.refresh_from_db()
    assert d.state == State.SETTLED


def test_return_only_after_settle(world):
    d, _result = _signed(world, Delivery.COUNTER)
    with pytest.raises(DossierError, match="no longer possible"):
        results.return_result(d, by=world.clerk, how="post", tracking_number="X1")


def test_online_delivery_without_an_account_waits_for_the_counter(world):
    d, _result = _signed(world, Delivery.ONLINE)
    Dossier.objects.filter(pk=d.pk).update(applicant=None)
    d.refresh_from_db()
    d = results.settle(d, by=world.processor)
    assert d.state == State.SETTLED
    with pytest.raises(DossierError, match="no account"):
        results.return_result(d, by=world.clerk, how="online")
