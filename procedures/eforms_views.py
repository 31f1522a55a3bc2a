"""E-form pages (P4): fill in (signed in), the filled form and its PDF (owner only), the blank
form to print (public), and the commune list of a province (for the progressive enhancement)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from .eforms import addresses, services
from .eforms.builder import ADD_ROW, REFRESH, build_form
from .eforms.display import display_items
from .eforms.pdf import blank_pdf as render_blank_pdf
from .eforms.pdf import filled_pdf as render_filled_pdf
from .eforms.schema import validate_definition
from .models import EForm, EFormVersion, FilledForm, Procedure


def _form_or_404(code: str, symbol: str, *, to_fill: bool = False
                 ) -> tuple[EForm, EFormVersion]:
    """The e-form in use; to fill it, its procedure must accept dossiers online."""
    procedures = Procedure.objects.accepting() if to_fill else Procedure.objects.published()
    if to_fill:
        procedures = procedures.exclude(online_level="none")
    form = (EForm.objects.select_related("procedure")
            .filter(procedure__in=procedures,
                    procedure__national_code=code, symbol=symbol, is_active=True).first())
    version = form.current_version if form else None
    if form is None or version is None:
        raise Http404(_("No e-form in use has this code."))
    if validate_definition(version.definition):  # saved around admin's check: never a 500
        raise Http404(_("This e-form is being corrected and cannot be filled in now."))
    return form, version


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def fill(request: HttpRequest, code: str, symbol: str) -> HttpResponse:
    form_obj, version = _form_or_404(code, symbol, to_fill=True)
    procedure = form_obj.procedure
    if request.method == "POST":
        form = build_form(version, user=request.user, data=request.POST, files=request.FILES)
        if ADD_ROW in request.POST or REFRESH in request.POST:
            form.hide_errors()  # only re-rendered (a row added, communes listed): no errors yet
        elif form.is_valid():
            filled = services.save_filled_form(version, request.user, form)
            return redirect("eforms:filled", pk=filled.pk)
    else:
        form = build_form(version, user=request.user)
    return render(request, "procedures/eforms/fill.html", {
        "eform": form_obj,
        "procedure": procedure,
        "version": version,
        "definition": version.definition,
        "form": form,
        "layout": form.layout(),
        "has_files": any(s.get("type") == "attachment" or any(
            sub.get("type") == "attachment" for sub in s.get("fields", []))
            for s in version.definition.get("fields", [])),
        "refresh": REFRESH,
    })


def _own_filled(request: HttpRequest, pk: int) -> FilledForm:
    return get_object_or_404(
        FilledForm.objects.select_related("version__form__procedure", "user"),
        pk=pk, user=request.user)


@login_required
@require_GET
def filled(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _own_filled(request, pk)
    version = obj.version
    return render(request, "procedures/eforms/filled.html", {
        "filled": obj,
        "eform": version.form,
        "procedure": version.form.procedure,
        "definition": version.definition,
        "items": display_items(version.definition, obj.data),
    })


@login_required
@require_GET
def filled_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _own_filled(request, pk)
    return _pdf_response(render_filled_pdf(obj), f"{obj.version.form.code}-{obj.pk}.pdf")


@require_GET
def blank_pdf(request: HttpRequest, code: str, symbol: str) -> HttpResponse:
    form_obj, version = _form_or_404(code, symbol)
    key = f"eforms:blank-pdf:{version.pk}:{form_obj.signature_required}"
    content = cache.get(key)
    if content is None:  # a render costs CPU: once per version, then from the cache
        content = render_blank_pdf(form_obj)
        cache.set(key, content, 24 * 3600)
    response = _pdf_response(content, f"{form_obj.code}.pdf")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def communes(request: HttpRequest, province: int) -> JsonResponse:
    if not addresses.is_province(province):
        raise Http404(_("No province has this code."))
    response = JsonResponse({"province": province, "communes": [
        {"code": code, "name": name} for code, name in addresses.communes(province)]})
    response["Cache-Control"] = "public, max-age=86400"
    return response
