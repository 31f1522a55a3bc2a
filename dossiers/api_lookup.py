"""Public dossier lookup API (D8): ``GET /api/v1/lookup/?ma=<code>[&q=<ID or name>]``, the same
answer as the lookup page, rate limited per client address."""

from __future__ import annotations

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import lookup
from .lookup_views import rate_limited


class _NamedSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicDossierSerializer(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.CharField()
    state_display = serializers.CharField()
    national_status = serializers.IntegerField(allow_null=True)
    procedure = _NamedSerializer()
    agency = _NamedSerializer()
    applicant_initials = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    intake_due_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    completion_due_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


_ERROR = inline_serializer("LookupError", {"detail": serializers.CharField(),
                                           "reason": serializers.CharField()})


class LookupView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="lookup_dossier",
        summary="Look up a dossier by its code",
        description="Public: state, national status code, procedure, agency and dates, with "
                    "only the initials of the applicant's name. ``q`` (personal ID number or "
                    "full name) must match the applicant when given.",
        parameters=[
            OpenApiParameter("ma", OpenApiTypes.STR, required=True, description="Dossier code"),
            OpenApiParameter("q", OpenApiTypes.STR, required=False,
                             description="The applicant's personal ID number or full name"),
        ],
        responses={200: PublicDossierSerializer, 400: _ERROR, 404: _ERROR,
                   429: OpenApiResponse(_ERROR, description="Too many look-ups")},
        tags=["lookup"],
    )
    def get(self, request: Request) -> Response:
        if rate_limited(request._request):
            return Response({"detail": _("Too many look-ups from your address. Wait a minute "
                                         "and try again."), "reason": "rate_limited"},
                            status=429, headers={"Retry-After": "60"})
        raw = str(request.query_params.get("ma", ""))[:60]
        who = str(request.query_params.get("q", ""))[:150]
        if not raw.strip():
            return Response({"detail": _("Give the dossier code (parameter “ma”)."),
                             "reason": "code_required"}, status=400)
        found = lookup.by_code(raw, who=who)
        if found is None:
            return Response({"detail": _("No dossier has this code."), "reason": "not_found"},
                            status=404)
        return Response(PublicDossierSerializer(found.as_dict()).data)


urlpatterns = [
    path("lookup/", LookupView.as_view(), name="api-lookup"),
]
