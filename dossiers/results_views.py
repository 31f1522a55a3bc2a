"""Pages of results (D7): the result page of a dossier (prepare, sign, settle, hand over, with
the signature's validation), the leader's list of results to sign, the one-stop counter's list
of results awaiting pickup, downloads. Thin: the rules live in :mod:`dossiers.results`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.permissions import agency_ids_for, has_perm
from portal.accounts.roles import Perm
from portal.audit.services import Action, record

from . import results
from .models import Dossier, DossierEvent, DossierResult
from .services import DossierError
from .states import Delivery, State

PAGE_SIZE = 50


# -- forms -----------------------------------------------------------------------------------


class PrepareForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the result"), max_length=255)
    number = forms.CharField(label=gettext_lazy("Number"), max_length=80, required=False)
    upload = forms.FileField(label=gettext_lazy("Result document (PDF)"), required=False)
    content = forms.CharField(
        label=gettext_lazy("Or the content, to generate the document from the template"),
        widget=forms.Textarea(attrs={"rows": 6}), required=False)
    signer_title = forms.CharField(label=gettext_lazy("Signer's title"), max_length=120,
                                   required=False)


class SignForm(forms.Form):
    passphrase = forms.CharField(
        label=gettext_lazy("Certificate passphrase (only if your certificate has one)"),
        widget=forms.PasswordInput, required=False)
    visible = forms.BooleanField(label=gettext_lazy("Visible signature stamp"), required=False,
                                 initial=True)


class HandOverForm(forms.Form):
    how = forms.ChoiceField(label=gettext_lazy("How"), choices=Delivery.choices)
    received_by = forms.CharField(label=gettext_lazy("Result received by"), max_length=255,
                                  required=False)
    received_id_number = forms.CharField(label=gettext_lazy("Their ID number"), max_length=20,
                                         required=False)
    received_at = forms.DateTimeField(
        label=gettext_lazy("Handed over at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                   format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    tracking_number = forms.CharField(label=gettext_lazy("Postal tracking number"),
                                      max_length=60, required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


# -- access ----------------------------------------------------------------------------------


def _visible(user: Any) -> Q | None:
    """Dossiers whose receiving or processing agency the officer may see (None: all)."""
    ids = agency_ids_for(user, Perm.VIEW_AGENCY_WORK)
    if ids is None:
        return None
    return Q(receiving_agency__in=ids) | Q(processing_agency__in=ids)


def _officer_dossier(request: HttpRequest, pk: int) -> Dossier:
    """The dossier when the officer sees the work of its receiving or processing agency."""
    qs = Dossier.objects.exclude(state=State.DRAFT).select_related(
        "procedure", "receiving_agency", "processing_agency")
    where = _visible(request.user)
    if where is not None:
        qs = qs.filter(where)
    return get_object_or_404(qs, pk=pk)


def _fail(request: HttpRequest, error: Exception) -> None:
    messages.error(request, str(error))


def _to_page(dossier: Dossier) -> HttpResponse:
    return redirect("results:dossier", dossier.pk)


# -- the result page -------------------------------------------------------------------------


@login_required
@require_GET
def dossier_page(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _officer_dossier(request, pk)
    user = request.user
    processing_id = results.processing_agency_id(dossier)
    result = results.current_result(dossier)
    signed = result is not None and result.is_signed
    report = results.signature_report(result) if signed and result else None
    open_step = dossier.steps.filter(finished_at__isnull=True).exists()
    processing = dossier.state == State.PROCESSING
    may_sign = (processing and result is not None and not signed
                and has_perm(user, Perm.APPROVE_RESULTS, processing_id))
    certificate = results.signing_certificate(user, processing_id) if may_sign else None
    hand_over = DossierEvent.objects.filter(dossier=dossier, transition="return_result").last()
    if result is not None:
        record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
               message=f"viewed result {result.pk}", changes={"result": result.pk})
    return render(request, "dossiers/results/dossier.html", {
        "dossier": dossier, "result": result, "signed": signed, "report": report,
        "open_step": open_step,
        "may_prepare": processing and not signed
        and has_perm(user, Perm.PROCESS_DOSSIERS, processing_id),
        "may_sign": may_sign, "certificate": certificate,
        "needs_passphrase": bool(certificate and certificate.personal_passphrase),
        "may_settle": processing and signed and not open_step
        and has_perm(user, Perm.PROCESS_DOSSIERS, processing_id),
        "may_hand_over": dossier.state == State.SETTLED
        and has_perm(user, Perm.RECEIVE_DOSSIERS, dossier.receiving_agency_id),
        "prepare_form": PrepareForm(), "sign_form": SignForm(initial={"visible": True}),
        "hand_over_form": HandOverForm(initial={
            "how": dossier.delivery, "received_by": dossier.applicant_name,
            "received_id_number": dossier.applicant_id_number,
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
        "hand_over": hand_over,
    })


@login_required
@require_POST
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _officer_dossier(request, pk)
    form = PrepareForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s")
                       % {"errors": " ".join(str(m) for e in form.errors.values() for m in e)})
        return _to_page(dossier)
    try:
        results.prepare_result(dossier, by=request.user, title=form.cleaned_data["title"],
                               number=form.cleaned_data["number"],
                               upload=form.cleaned_data.get("upload"),
                               content=form.cleaned_data["content"],
                               signer_title=form.cleaned_data["signer_title"])
    except DossierError as error:
        _fail(request, error)
    else:
        messages.success(request, _("The result was prepared; it waits for the leader's "
                                    "signature."))
    return _to_page(dossier)


@login_required
@require_POST
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _officer_dossier(request, pk)
    result = results.current_result(dossier)
    form = SignForm(request.POST)
    if result is None or not form.is_valid():
        messages.error(request, _("There is no result to sign."))
        return _to_page(dossier)
    try:
        results.sign_result(result, by=request.user,
                            passphrase=form.cleaned_data["passphrase"],
                            visible=form.cleaned_data["visible"])
    except DossierError as error:
        _fail(request, error)
    else:
        messages.success(request, _("The result is signed."))
    return _to_page(dossier)


@login_required
@require_POST
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _officer_dossier(request, pk)
    try:
        dossier = results.settle(dossier, by=request.user)
    except DossierError as error:
        _fail(request, error)
    else:
        if dossier.state == State.RETURNED:
            messages.success(request, _("The dossier is settled and the result was released "
                                        "to the applicant online."))
        else:
            messages.success(request, _("The dossier is settled; the result awaits its "
                                        "hand-over."))
    return _to_page(dossier)


@login_required
@require_POST
def hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _officer_dossier(request, pk)
    form = HandOverForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s")
                       % {"errors": " ".join(str(m) for e in form.errors.values() for m in e)})
        return _to_page(dossier)
    data = form.cleaned_data
    try:
        results.return_result(dossier, by=request.user, how=data["how"],
                              received_by=data["received_by"],
                              received_id_number=data["received_id_number"],
                              received_at=data["received_at"],
                              tracking_number=data["tracking_number"], note=data["note"])
    except DossierError as error:
        _fail(request, error)
    else:
        messages.success(request, _("The hand-over of the result is recorded."))
    return _to_page(dossier)


@login_required
@require_GET
def officer_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The result document for officers who see the dossier (``?signed=1`` for the signed
    file); audited."""
    result = get_object_or_404(DossierResult.objects.select_related("dossier"), pk=pk)
    _officer_dossier(request, result.dossier_id)
    signed = request.GET.get("signed") == "1"
    if signed and not result.is_signed:
        raise Http404
    field = result.signed_file if signed else result.file
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=result.dossier,
           message=f"downloaded result {result.pk}", changes={"result": result.pk,
                                                              "signed": signed})
    return _pdf(results.read_file(field), f"ket-qua-{result.dossier.code or result.pk}"
                f"{'-da-ky' if signed else ''}.pdf")


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- lists -----------------------------------------------------------------------------------


def _page(request: HttpRequest, qs: QuerySet[Dossier]) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def to_sign(request: HttpRequest) -> HttpResponse:
    """The leader's list: results prepared in his agencies and waiting for a signature."""
    ids = agency_ids_for(request.user, Perm.APPROVE_RESULTS)
    if ids is not None and not ids:
        raise Http404
    unsigned = DossierResult.objects.filter(dossier=OuterRef("pk"), signed_at__isnull=True)
    qs = (Dossier.objects.filter(state=State.PROCESSING).filter(Exists(unsigned))
          .select_related("procedure").order_by("processing_due_at", "pk"))
    if ids is not None:
        qs = qs.filter(Q(processing_agency__in=ids)
                       | Q(processing_agency__isnull=True, receiving_agency__in=ids))
    return render(request, "dossiers/results/to_sign.html", {"page": _page(request, qs)})


@login_required
@require_GET
def pickup(request: HttpRequest) -> HttpResponse:
    """The one-stop counter's list: settled dossiers of its agencies whose result has not been
    handed over yet (D7)."""
    ids = agency_ids_for(request.user, Perm.RECEIVE_DOSSIERS)
    if ids is not None and not ids:
        raise Http404
    qs = (Dossier.objects.filter(state=State.SETTLED)
          .select_related("procedure").order_by("settled_at", "pk"))
    if ids is not None:
        qs = qs.filter(receiving_agency__in=ids)
    delivery = request.GET.get("giao") or ""
    if delivery in Delivery.values:
        qs = qs.filter(delivery=delivery)
    else:
        delivery = ""
    return render(request, "dossiers/results/pickup.html", {
        "page": _page(request, qs), "delivery": delivery, "deliveries": Delivery.choices,
        "delivery_query": urlencode({"giao": delivery}) if delivery else ""})


# -- the citizen -----------------------------------------------------------------------------


@login_required
@require_GET
def citizen_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant downloads the signed result of his own dossier once it is returned;
    anyone else, or an unsigned result, gets 404. Audited."""
    result = (DossierResult.objects.select_related("dossier")
              .filter(pk=pk, dossier__applicant_id=request.user.pk).first())
    if result is None or not result.is_signed or result.dossier.state != State.RETURNED:
        raise Http404(_("No result was found."))
    record(Action.VIEW_PERSONAL_DATA, request=request, obj=result.dossier,
           message=f"applicant downloaded result {result.pk}", changes={"result": result.pk})
    return _pdf(results.read_file(result.signed_file),
                f"ket-qua-{result.dossier.code or result.pk}.pdf")


