"""Dashboard tiles of the operations pages: operators reach backups/health, notices and the
support queue; every officer reaches the support form."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def ops_links(context: dict[str, Any]) -> list[dict[str, str]]:
    from portal.ops.services import support_agencies

    user = context.get("user")
    if user is None or not user.is_authenticated:
        return []
    links = []
    if has_perm(user, Perm.OPERATE_SYSTEM):
        links += [
            {"key": "ops", "url": reverse("ops:overview"), "title": _("System operations"),
             "description": _("Backups, health of the system")},
            {"key": "notices", "url": reverse("ops:notices"),
             "title": _("Maintenance notices"),
             "description": _("Announce maintenance or an upgrade")},
            {"key": "support-queue", "url": reverse("ops:support-queue"),
             "title": _("Support requests"),
             "description": _("Requests of the agencies and their deadlines")},
            {"key": "dvcqg", "url": reverse("dvcqg:overview"),
             "title": _("Sync with the national portal"),
             "description": _("Outbox, dead letters, reconciliation with DVCQG")},
        ]
    if support_agencies(user):
        links.append({"key": "support", "url": reverse("ops:support"),
                      "title": _("Technical support"),
                      "description": _("Ask the system operators for help")})
    return links
