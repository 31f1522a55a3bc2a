"""The public lookup page (D8), where the receipt's QR code lands: ``/tra-cuu/?ma=<code>``."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.net import client_ip
from portal.ratelimit import hit

from . import lookup


class LookupForm(forms.Form):
    ma = forms.CharField(label=gettext_lazy("Dossier code"), max_length=60, required=False,
                         widget=forms.TextInput(attrs={"data-testid": "lookup-code",
                                                       "autocomplete": "off"}))
    q = forms.CharField(
        label=gettext_lazy("Personal ID number or full name"), max_length=150, required=False,
        help_text=gettext_lazy("Only together with the dossier code, or for your own dossiers "
                               "when you are signed in."),
        widget=forms.TextInput(attrs={"data-testid": "lookup-person", "autocomplete": "off"}),
    )


def rate_limited(request: HttpRequest) -> bool:
    """Count one look-up for the client's address; ``True`` once over the limit."""
    return not hit(lookup.RATE_SCOPE, client_ip(request) or "", lookup.RATE_PER_MINUTE)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    context: dict[str, object] = {"form": form, "searched": False}
    if not request.GET.get("ma", "").strip() and not request.GET.get("q", "").strip():
        return render(request, "dossiers/lookup/search.html", {"form": LookupForm()})
    if rate_limited(request):
        return render(request, "dossiers/lookup/search.html", {
            "form": form,
            "error": _("Too many look-ups from your address. Wait a minute and try again."),
        }, status=429)
    if not form.is_valid():
        return render(request, "dossiers/lookup/search.html", context)
    code, who = form.cleaned_data["ma"].strip(), form.cleaned_data["q"].strip()
    context["searched"] = True
    if code:
        context["result"] = lookup.by_code(code, who=who)
        context["not_found"] = context["result"] is None
    elif request.user.is_authenticated:
        context["owned"] = lookup.owned_by(request.user, who)
        context["owner_search"] = True
    else:
        context["error"] = _("To search by ID number or name, sign in to see your own "
                             "dossiers, or enter the dossier code too.")
    return render(request, "dossiers/lookup/search.html", context)
