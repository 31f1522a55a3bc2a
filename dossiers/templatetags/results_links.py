"""``{% results_links as links %}``: the home-page tiles of results work the user may do —
results to sign (leaders), results awaiting pickup (one-stop officers), the tracking book
(officers seeing an agency's work), the data warehouse (citizens and organisations)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def results_links(context: Any) -> list[dict[str, str]]:
    from archive.services import owner_key

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links: list[dict[str, str]] = []
    if has_perm(user, Perm.APPROVE_RESULTS):
        links.append({"title": _("Results to sign"), "url": reverse("results:to_sign"),
                      "description": _("Results prepared in your agencies, waiting for your "
                                       "digital signature."), "key": "to-sign"})
    if has_perm(user, Perm.RECEIVE_DOSSIERS):
        links.append({"title": _("Results awaiting pickup"), "url": reverse("results:pickup"),
                      "description": _("Settled dossiers whose result is still to be handed "
                                       "over."), "key": "pickup"})
    if has_perm(user, Perm.VIEW_AGENCY_WORK):
        links.append({"title": _("Dossier tracking book"), "url": reverse("tracking:book"),
                      "description": _("Per agency, field and period; PDF and Excel."),
                      "key": "tracking-book"})
    if owner_key(user):
        links.append({"title": _("My data warehouse"), "url": reverse("warehouse:list"),
                      "description": _("Your results and digitized papers, to reuse in a new "
                                       "dossier."), "key": "warehouse"})
    return links
