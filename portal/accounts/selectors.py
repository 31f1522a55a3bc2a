"""Read-side queries for accounts: what a signed-in person's home page shows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditEntry

from . import permissions
from .models import Membership, User
from .roles import STAFF_ROLES, Perm, Role


@dataclass
class Link:
    title: str
    url: str
    description: str = ""


@dataclass
class Dashboard:
    kind: str  # "citizen" | "officer" | "admin"
    template: str
    title: str
    roles: list[str]
    memberships: list[Membership] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    recent_activity: list[AuditEntry] = field(default_factory=list)


def dashboard_for(user: User) -> Dashboard:
    roles = permissions.roles_of(user)
    memberships = list(
        user.memberships.current()
        .select_related("agency", "agency__level")
        .order_by("agency__name")
    )
    role_labels = [str(Role(r).label) for r in sorted(roles)]
    links: list[Link] = []
    if user.is_superuser or roles & STAFF_ROLES:
        links.append(Link(str(_("Administration")), reverse("admin:index"),
                          str(_("Users, agencies, calendar and configuration."))))
    if permissions.has_perm(user, Perm.VIEW_AUDIT):
        links.append(Link(str(_("Audit log")), reverse("audit:log"),
                          str(_("Who did what, when and from where."))))
    if permissions.has_perm(user, Perm.MANAGE_AGENCY_CATALOGUE):
        links.append(Link(str(_("Procedures of my agency")),
                          reverse("admin:procedures_procedure_changelist"),
                          str(_("Procedures, e-forms, internal processes and fees."))))
    links.append(Link(str(_("Administrative procedures")), reverse("procedures:catalogue"),
                      str(_("Look up procedures, their papers, times and fees."))))
    links.append(Link(str(_("Deadline calculator")), reverse("calendar:deadline"),
                      str(_("Due instants by the legal working-time calendar."))))
    links.append(Link(str(_("Change password")), reverse("accounts:password_change")))

    if user.is_superuser or roles & STAFF_ROLES:
        kind, title = "admin", _("Administration home")
    elif roles - {Role.CITIZEN}:
        kind, title = "officer", _("Officer workspace")
    else:
        kind, title = "citizen", _("My public services")
    recent = list(AuditEntry.objects.filter(actor=user)[:10]) if kind != "citizen" else []
    return Dashboard(
        kind=kind,
        template=f"accounts/home_{kind}.html",
        title=str(title),
        roles=role_labels,
        memberships=memberships,
        links=links,
        recent_activity=recent,
    )
