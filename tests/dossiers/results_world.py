"""A small world for the results tests: an agency with its one-stop officer, processing officer
and leader (with a signing certificate), a citizen, and dossiers brought to processing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from weasyprint import HTML

from dossiers import services
from dossiers.models import Dossier, DossierStep
from dossiers.services import _run
from dossiers.states import Actor, Channel, Delivery, State
from portal.accounts.models import Membership
from portal.accounts.roles import Role
from portal.signing.models import CertificateAuthority, SigningCertificate
from portal.signing.services import create_authority, issue_certificate
from procedures.models import DossierComponent
from procedures.services import publish
from tests.factories import AgencyFactory, UserFactory, officer
from tests.procedures.factories import ProcedureFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def result_pdf(text: str = "Quyết định cấp giấy phép") -> bytes:
    return bytes(HTML(string=f"<h1>{text}</h1>").write_pdf())


def pdf_upload(name: str = "ket-qua.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else result_pdf(),
                              content_type="application/pdf")


@dataclass
class World:
    agency: Any
    other_agency: Any
    procedure: Any
    component: Any
    citizen: Any
    other_citizen: Any
    clerk: Any
    processor: Any
    leader: Any
    other_leader: Any
    authority: CertificateAuthority
    certificate: SigningCertificate

    def dossier(self, *, delivery: str = Delivery.ONLINE, applicant: Any = None,
                processing: bool = True) -> Dossier:
        """A dossier received at the counter and in processing with no open step (ready to
        settle) unless ``processing`` is false."""
        applicant = applicant or self.citizen
        d = services.start_draft(self.procedure, applicant=applicant, channel=Channel.COUNTER,
                                 delivery=delivery, receiving_agency=self.agency)
        d = services.register_at_counter(d, by=self.clerk)
        if processing and d.state == State.RECEIVED:
            d = _run(d, "start_processing", actor=Actor.SYSTEM,
                     after=lambda x, now: setattr(x, "processing_agency_id", self.agency.pk))
        if processing:
            DossierStep.objects.filter(dossier=d, finished_at__isnull=True).update(
                finished_at=timezone.now(), outcome=DossierStep.Outcome.DONE)
            Dossier.objects.filter(pk=d.pk).update(current_step=None,
                                                   processing_agency=self.agency)
            d.refresh_from_db()
        return d

    def open_step(self, d: Dossier) -> DossierStep:
        now = timezone.now()
        step = DossierStep.objects.create(
            dossier=d, order=9, name="Thẩm định", agency=self.agency, budget_seconds=3600,
            started_at=now, due_at=now + timedelta(hours=8))
        Dossier.objects.filter(pk=d.pk).update(current_step=step)
        d.refresh_from_db()
        return step


def make_world() -> World:
    agency = AgencyFactory(code="000.00.13.H56", name="Sở Tư pháp")
    other_agency = AgencyFactory(code="000.00.14.H56", name="Sở Xây dựng")
    procedure = ProcedureFactory(owner_agency=agency, name="Cấp phiếu lý lịch tư pháp",
                                 processing_time=Decimal(5))
    procedure.receiving_agencies.add(agency)
    component = DossierComponent.objects.create(procedure=procedure, order=1,
                                                name="Giấy tờ tùy thân", copies=1)
    publish(procedure)
    citizen = UserFactory(username="an", full_name="Nguyễn Văn An", personal_id="038090001234")
    other_citizen = UserFactory(username="binh", full_name="Lê Thị Bình",
                                personal_id="038185002345")
    clerk = officer(agency, Role.INTAKE_OFFICER, full_name="Trần Thị Cúc")
    processor = officer(agency, Role.PROCESSING_OFFICER, full_name="Phạm Văn Dũng")
    leader = officer(agency, Role.AGENCY_LEADER, full_name="Hoàng Minh Đức")
    other_leader = officer(other_agency, Role.AGENCY_LEADER, full_name="Đặng Văn Em")
    Membership.objects.update(started_at=datetime(2020, 1, 1, tzinfo=VN))
    authority = create_authority("CA kiểm thử tỉnh")
    certificate = issue_certificate(leader, agency, authority)
    issue_certificate(other_leader, other_agency, authority)
    return World(agency, other_agency, procedure, component, citizen, other_citizen, clerk,
                 processor, leader, other_leader, authority, certificate)
