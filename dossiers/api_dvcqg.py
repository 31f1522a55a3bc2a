"""Inbound API of the National Public Service Portal (DVCQG): dossiers submitted there enter our
intake queue with channel "DVCQG" (D1, I2). The record follows LEGAL-NOTES §6 (``MaHoSo``,
``MaTTHC``, ``ChuHoSo``, ``MaDoiTuong``, ``SoDienThoai``, ``Email``, ``TrichYeuHoSo``,
``NgayTiepNhan`` as ``yyyyMMddHHmmss`` local time, ``DonViXuLy`` the agency e-ID); answers carry
``error_code`` 0 on success as the portal expects. The caller authenticates with the shared
token in ``DVCQG_INBOUND_TOKEN`` (``Authorization: Bearer …``)."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.agencies.models import Agency
from procedures.models import Procedure

from . import services


class PortalToken(BasePermission):
    """Only the national portal, holding the configured shared token."""

    def has_permission(self, request: Request, view: Any) -> bool:
        expected = getattr(settings, "DVCQG_INBOUND_TOKEN", "")
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class PortalDossierSerializer(serializers.Serializer):
    MaHoSo = serializers.RegexField(r"^[0-9A-Z.]+-\d{6}-[0-9A-Z]{4,}$", max_length=40)
    MaTTHC = serializers.CharField(max_length=20)
    DonViXuLy = serializers.CharField(max_length=20)
    ChuHoSo = serializers.CharField(max_length=255)
    MaDoiTuong = serializers.CharField(max_length=20, required=False, allow_blank=True)
    SoDienThoai = serializers.CharField(max_length=20, required=False, allow_blank=True)
    Email = serializers.EmailField(required=False, allow_blank=True)
    TrichYeuHoSo = serializers.CharField(max_length=500, required=False, allow_blank=True)
    DiaChi = serializers.CharField(max_length=500, required=False, allow_blank=True)
    NgayTiepNhan = serializers.CharField()

    def validate_NgayTiepNhan(self, value: str) -> datetime:
        try:
            naive = datetime.strptime(value, "%Y%m%d%H%M%S")
        except ValueError:
            raise serializers.ValidationError(_("Expected yyyyMMddHHmmss.")) from None
        return timezone.make_aware(naive)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        procedure = Procedure.objects.filter(national_code=data["MaTTHC"]).first()
        if procedure is None:
            raise serializers.ValidationError({"MaTTHC": _("Unknown procedure code.")})
        agency = Agency.objects.filter(code=data["DonViXuLy"], is_active=True).first()
        if agency is None:
            raise serializers.ValidationError({"DonViXuLy": _("Unknown agency code.")})
        data["procedure"], data["agency"] = procedure, agency
        return data

    @staticmethod
    def dossier_fields(data: dict[str, Any]) -> dict[str, Any]:
        """The validated record as the keyword arguments of ``services.receive_external``
        (code, submission time, applicant, summary)."""
        return {"code": data["MaHoSo"], "submitted_at": data["NgayTiepNhan"],
                "applicant_name": data["ChuHoSo"],
                "applicant_id_number": data.get("MaDoiTuong", ""),
                "applicant_phone": data.get("SoDienThoai", ""),
                "applicant_email": data.get("Email", ""),
                "applicant_address": data.get("DiaChi", ""),
                "summary": data.get("TrichYeuHoSo", "")}


class PortalAnswerSerializer(serializers.Serializer):
    error_code = serializers.IntegerField()
    message = serializers.CharField()
    MaHoSo = serializers.CharField(required=False)


class PortalDossierView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [PortalToken]
    serializer_class = PortalDossierSerializer

    @extend_schema(request=PortalDossierSerializer, tags=["dvcqg"],
                   responses={200: PortalAnswerSerializer, 201: PortalAnswerSerializer,
                              400: PortalAnswerSerializer, 409: PortalAnswerSerializer},
                   summary="Receive a dossier submitted on the National Public Service Portal")
    def post(self, request: Request) -> Response:
        serializer = PortalDossierSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"error_code": 1, "message": _("Invalid dossier record."),
                             "errors": serializer.errors}, status=status.HTTP_400_BAD_REQUEST)
        data = serializer.validated_data
        try:
            dossier, created = services.receive_from_portal(
                data["procedure"], data["agency"], **serializer.dossier_fields(data))
        except services.DossierError as error:
            return Response({"error_code": 2, "message": str(error)},
                            status=status.HTTP_409_CONFLICT)
        return Response(
            {"error_code": 0, "message": _("Received.") if created else _("Already received."),
             "MaHoSo": dossier.code},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


urlpatterns = [path("dvcqg/dossiers/", PortalDossierView.as_view(), name="dvcqg-dossiers")]
