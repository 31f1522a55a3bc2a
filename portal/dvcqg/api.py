"""API for ministries' specialised software (I2): /api/v1/ministry/.

Each system holds its own token (:class:`~portal.dvcqg.models.MinistrySystem`, issued by an
operator in admin and shown once; only its SHA-256 is stored), sent as ``Authorization: Bearer …``.
A system may only touch dossiers of the procedures it handles. It can:

* ``POST dossiers/`` — register a dossier received on its own system (the record of
  LEGAL-NOTES §6: ``MaHoSo``, ``MaTTHC``, ``DonViXuLy``, ``ChuHoSo``, ``NgayTiepNhan``
  ``yyyyMMddHHmmss`` …); idempotent by ``MaHoSo``;
* ``POST dossiers/<MaHoSo>/status/`` — push a status change as a national status code
  (``TrangThaiHoSo``, LEGAL-NOTES §1) with ``LyDo``; it runs the matching transition with
  ``Actor.SYSTEM`` (``portal.dvcqg.inbound.STATUS_TRANSITIONS``).

Every packet is logged (:class:`~portal.dvcqg.models.InboundLog`); bad ones get a 4xx with the
field errors, never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers.api_dvcqg import PortalDossierSerializer
from dossiers.models import Dossier
from dossiers.services import DossierError

from . import inbound
from .models import MinistrySystem

logger = logging.getLogger(__name__)


class MinistryTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` of an active ministry system."""

    def authenticate(self, request: Request) -> tuple[Any, MinistrySystem] | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        system = inbound.authenticate(header.removeprefix("Bearer ").strip())
        if system is None:
            inbound.log_inbound("?", request.path, 401, errors={"token": ["unknown"]})
            raise AuthenticationFailed(_("Unknown or disabled token."))
        return (None, system)

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class MinistryTokenScheme(OpenApiAuthenticationExtension):
    target_class = "portal.dvcqg.api.MinistryTokenAuthentication"
    name = "ministrySystemToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer",
                "description": "Token of a ministry's specialised software."}


class IsMinistrySystem(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, MinistrySystem)


class StatusInSerializer(serializers.Serializer):
    TrangThaiHoSo = serializers.IntegerField(min_value=1, max_value=10)
    LyDo = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AnswerSerializer(serializers.Serializer):
    error_code = serializers.IntegerField()
    message = serializers.CharField()
    MaHoSo = serializers.CharField(required=False)
    TrangThaiHoSo = serializers.IntegerField(required=False)
    errors = serializers.DictField(required=False)


ANSWERS = dict.fromkeys((200, 201, 400, 401, 403, 404, 409), AnswerSerializer)


class _Base(APIView):
    authentication_classes = [MinistryTokenAuthentication]
    permission_classes = [IsMinistrySystem]

    def refuse(self, request: Request, code: int, message: str, errors: dict[str, Any],
               dossier_code: str = "") -> Response:
        system: MinistrySystem = request.auth  # type: ignore[assignment]
        inbound.log_inbound(system.code, request.path, code, errors=errors,
                            body=_safe_body(request), dossier_code=dossier_code)
        return Response({"error_code": code, "message": message, "errors": errors},
                        status=code)


def _safe_body(request: Request) -> Any:
    try:
        return request.data
    except Exception:  # unparsable body
        return None


class MinistryDossierView(_Base):
    serializer_class = PortalDossierSerializer

    @extend_schema(request=PortalDossierSerializer, responses=ANSWERS, tags=["ministry"],
                   summary="Register a dossier received on a ministry's system")
    def post(self, request: Request) -> Response:
        system: MinistrySystem = request.auth  # type: ignore[assignment]
        try:
            serializer = PortalDossierSerializer(data=request.data)
            valid = serializer.is_valid()
        except Exception:
            return self.refuse(request, 400, _("Invalid dossier record."),
                               {"body": [_("A JSON object is expected.")]})
        if not valid:
            return self.refuse(request, 400, _("Invalid dossier record."),
                               dict(serializer.errors),
                               str(request.data.get("MaHoSo", ""))
                               if isinstance(request.data, dict) else "")
        data = serializer.validated_data
        if not system.procedures.filter(pk=data["procedure"].pk).exists():
            return self.refuse(request, 403, _("This system does not handle this procedure."),
                               {"MaTTHC": [_("Not handled by this system.")]}, data["MaHoSo"])
        try:
            dossier, created = inbound.create_from_system(
                system, data["procedure"], data["agency"],
                **PortalDossierSerializer.dossier_fields(data))
        except DossierError as error:
            return self.refuse(request, 409, str(error), {"MaHoSo": [str(error)]},
                               data["MaHoSo"])
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        inbound.log_inbound(system.code, request.path, code, body=request.data,
                            dossier_code=data["MaHoSo"])
        return Response({"error_code": 0, "MaHoSo": dossier.code,
                         "message": _("Received.") if created else _("Already received.")},
                        status=code)


class MinistryStatusView(_Base):
    serializer_class = StatusInSerializer

    @extend_schema(request=StatusInSerializer, responses=ANSWERS, tags=["ministry"],
                   summary="Push a status change of a dossier the system handles")
    def post(self, request: Request, code: str) -> Response:
        system: MinistrySystem = request.auth  # type: ignore[assignment]
        dossier = Dossier.objects.filter(
            code=code, procedure__in=system.procedures.all()).first()
        if dossier is None:  # unknown, or not this system's: the same answer (no probing)
            return self.refuse(request, 404, _("No such dossier for this system."),
                               {"MaHoSo": [_("Unknown dossier code.")]}, code)
        try:
            serializer = StatusInSerializer(data=request.data)
            valid = serializer.is_valid()
        except Exception:
            return self.refuse(request, 400, _("Invalid status packet."),
                               {"body": [_("A JSON object is expected.")]}, code)
        if not valid:
            return self.refuse(request, 400, _("Invalid status packet."),
                               dict(serializer.errors), code)
        wanted = serializer.validated_data["TrangThaiHoSo"]
        try:
            dossier = inbound.push_status(system, dossier, wanted,
                                          reason=serializer.validated_data.get("LyDo", ""))
        except DossierError as error:
            return self.refuse(request, 409, str(error), {"TrangThaiHoSo": [str(error)]}, code)
        inbound.log_inbound(system.code, request.path, 200, body=request.data,
                            dossier_code=code)
        return Response({"error_code": 0, "message": _("Status changed."), "MaHoSo": code,
                         "TrangThaiHoSo": wanted})
