"""Roles (U1-U6) and what each may do. The only table that grants anything."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen or organisation")
    INTAKE_OFFICER = "intake", _("One-stop officer")
    PROCESSING_OFFICER = "processing", _("Processing officer")
    AGENCY_LEADER = "leader", _("Agency leader")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    OPERATOR = "operator", _("System operator")


class Perm(StrEnum):
    """Actions a permission check can ask about."""

    VIEW_AGENCY_WORK = "view_agency_work"
    RECEIVE_DOSSIERS = "receive_dossiers"
    PROCESS_DOSSIERS = "process_dossiers"
    APPROVE_RESULTS = "approve_results"
    MANAGE_AGENCY_USERS = "manage_agency_users"
    MANAGE_AGENCY_CATALOGUE = "manage_agency_catalogue"
    VIEW_REPORTS = "view_reports"
    VIEW_AUDIT = "view_audit"
    OPERATE_SYSTEM = "operate_system"


#: Permissions a role grants within the agencies of its memberships (and their sub-agencies).
AGENCY_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.INTAKE_OFFICER: frozenset({Perm.VIEW_AGENCY_WORK, Perm.RECEIVE_DOSSIERS}),
    Role.PROCESSING_OFFICER: frozenset({Perm.VIEW_AGENCY_WORK, Perm.PROCESS_DOSSIERS}),
    Role.AGENCY_LEADER: frozenset(
        {Perm.VIEW_AGENCY_WORK, Perm.PROCESS_DOSSIERS, Perm.APPROVE_RESULTS, Perm.VIEW_REPORTS}
    ),
    Role.AGENCY_ADMIN: frozenset(
        {Perm.VIEW_AGENCY_WORK, Perm.MANAGE_AGENCY_USERS, Perm.MANAGE_AGENCY_CATALOGUE}
    ),
}

#: Permissions a role grants over every agency of the province (TN Art. 8.2-8.3; U5, U6).
PROVINCE_ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.SUPERVISOR: frozenset({Perm.VIEW_AGENCY_WORK, Perm.VIEW_REPORTS, Perm.VIEW_AUDIT}),
    Role.OPERATOR: frozenset(
        {Perm.OPERATE_SYSTEM, Perm.VIEW_AUDIT, Perm.MANAGE_AGENCY_USERS,
         Perm.MANAGE_AGENCY_CATALOGUE}
    ),
}

OFFICER_ROLES = frozenset(AGENCY_ROLE_PERMS) | frozenset(PROVINCE_ROLE_PERMS)
#: Roles that sign in to Django admin.
STAFF_ROLES = frozenset({Role.AGENCY_ADMIN, Role.OPERATOR})
