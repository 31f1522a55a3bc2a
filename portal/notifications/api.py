"""The SMS gateway's inbound webhook (TN 12.6.c): ``POST /api/v1/sms/inbound/``.

The gateway posts JSON ``{"from": "+84…", "text": "HS <code>", "id": "<its message id>"}`` with
``Authorization: Bearer SMS_INBOUND_TOKEN``. Answers: ``200`` with the reply sent (or the one
already sent for this id), ``400`` with the field errors, ``401`` without the token, ``429``
when the phone number asked too often (no SMS is sent then).
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import inbound


class GatewayToken(BasePermission):
    """Only the SMS gateway, holding the configured shared token."""

    message = "Missing or wrong gateway token."

    def has_permission(self, request: Request, view: Any) -> bool:
        expected = getattr(settings, "SMS_INBOUND_TOKEN", "")
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class InboundSmsSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100)
    text = serializers.CharField(max_length=500, allow_blank=True, trim_whitespace=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["from"] = serializers.CharField(max_length=20)  # a keyword in Python
        return fields


class InboundAnswerSerializer(serializers.Serializer):
    id = serializers.CharField()
    outcome = serializers.ChoiceField(choices=["found", "unknown", "invalid", "rate_limited"])
    reply = serializers.CharField(allow_blank=True)
    duplicate = serializers.BooleanField()


class InboundSmsView(APIView):
    authentication_classes: list[type] = []
    permission_classes = [GatewayToken]
    serializer_class = InboundSmsSerializer

    @extend_schema(request=InboundSmsSerializer, tags=["sms"],
                   responses={200: InboundAnswerSerializer, 400: None, 401: None,
                              429: InboundAnswerSerializer},
                   summary="An SMS received by the province's gateway (dossier lookup)")
    def post(self, request: Request) -> Response:
        serializer = InboundSmsSerializer(data=request.data)
        if not serializer.is_valid():
            return Response({"detail": _("Invalid SMS record."), "errors": serializer.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        data = serializer.validated_data
        answer = inbound.handle(data["id"], data["from"], data["text"])
        body = {"id": data["id"], "outcome": answer.outcome, "reply": answer.reply,
                "duplicate": answer.duplicate}
        if answer.outcome == inbound.Outcome.RATE_LIMITED:
            return Response({**body, "detail": _("Too many look-ups from this number.")},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        return Response(body)
