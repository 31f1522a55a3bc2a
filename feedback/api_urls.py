"""Feedback API for the national portal and hotline systems (K1): /api/v1/feedback/.

Each connected system holds its own token (:class:`feedback.models.FeedbackSource`, created by
an operator in admin; only its SHA-256 is stored) sent as ``Authorization: Bearer …``. Pushing
the same ``external_id`` twice returns the first item (idempotent). Errors are 4xx with the field
errors, never 500."""

from __future__ import annotations

from typing import Any

from django.urls import path
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

from portal.agencies.models import Agency

from . import services
from .models import Feedback, FeedbackSource

app_name = "feedback-api"


class SourceTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` of a connected system."""

    def authenticate(self, request: Request) -> tuple[Any, FeedbackSource] | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        source = services.source_for_token(header.removeprefix("Bearer ").strip())
        if source is None:
            raise AuthenticationFailed(_("Unknown or disabled token."))
        return (None, source)

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class SourceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "feedback.api_urls.SourceTokenAuthentication"
    name = "feedbackSourceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer",
                "description": "Token of a connected system (national portal, 1022)."}


class HasSource(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, FeedbackSource)


class FeedbackInSerializer(serializers.Serializer):
    external_id = serializers.CharField(max_length=80)
    received_at = serializers.DateTimeField()
    sender_name = serializers.CharField(max_length=255)
    sender_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    sender_email = serializers.EmailField(required=False, allow_blank=True)
    sender_address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    sender_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    title = serializers.CharField(max_length=255)
    content = serializers.CharField()
    agency_code = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if not (data.get("sender_phone") or data.get("sender_email")):
            raise serializers.ValidationError(
                {"sender_phone": _("Give a phone number or an e-mail address.")})
        code = data.pop("agency_code", "")
        data["agency"] = None
        if code:
            agency = Agency.objects.filter(code=code, is_active=True).first()
            if agency is None:
                raise serializers.ValidationError({"agency_code": _("Unknown agency code.")})
            data["agency"] = agency
        return data


class FeedbackOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["code", "external_id", "state", "received_at", "due_at", "answered_at",
                  "answer"]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)


class FeedbackPushView(APIView):
    authentication_classes = [SourceTokenAuthentication]
    permission_classes = [HasSource]
    serializer_class = FeedbackInSerializer

    @extend_schema(request=FeedbackInSerializer, tags=["feedback"],
                   responses={200: FeedbackOutSerializer, 201: FeedbackOutSerializer,
                              400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer},
                   summary="Push a feedback item received by a connected system")
    def post(self, request: Request) -> Response:
        serializer = FeedbackInSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"detail": _("Invalid feedback record."),
                             "errors": serializer.errors}, status=status.HTTP_400_BAD_REQUEST)
        source = request.auth
        assert isinstance(source, FeedbackSource)
        item, created = services.receive_from_system(source, **serializer.validated_data)
        return Response(FeedbackOutSerializer(item).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class FeedbackStatusView(APIView):
    authentication_classes = [SourceTokenAuthentication]
    permission_classes = [HasSource]
    serializer_class = FeedbackOutSerializer

    @extend_schema(tags=["feedback"], responses={200: FeedbackOutSerializer,
                                                 404: ErrorSerializer},
                   summary="State and answer of an item this system pushed")
    def get(self, request: Request, external_id: str) -> Response:
        item = Feedback.objects.filter(source=request.auth, external_id=external_id).first()
        if item is None:  # only the system's own items (no IDOR)
            return Response({"detail": _("Not found.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(FeedbackOutSerializer(item).data)


urlpatterns = [
    path("items/", FeedbackPushView.as_view(), name="items"),
    path("items/<str:external_id>/", FeedbackStatusView.as_view(), name="item"),
]
