"""Officer intake API under ``/api/v1/intake/`` (D2): the queue with its filters, a dossier,
and the intake actions — the same selectors and services as the ``/mot-cua/`` pages.

Only officers who receive dossiers may call it (403 otherwise); a dossier of another agency is
not found (404). A refused transition answers 409 with the translated message.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from portal.accounts.permissions import has_perm
from portal.accounts.roles import Perm
from portal.audit.services import Action, record
from procedures.eforms.display import display_items

from . import selectors, services
from .models import Dossier, DossierEvent, DossierFile
from .states import NATIONAL_STATUS, Channel

# -- serializers ------------------------------------------------------------------------------


class DeadlineMixin(serializers.Serializer):
    punctuality = serializers.SerializerMethodField(
        help_text=_("late, due_soon or on_time for a dossier awaiting intake; waiting while "
                    "the applicant completes it."))
    remaining = serializers.SerializerMethodField(
        help_text=_("Remaining (or overdue) working time, as shown on the queue."))

    def _badge(self, dossier: Dossier) -> dict[str, str]:
        now = self.context.setdefault("now", timezone.now())
        return selectors.badge(dossier, now)

    def get_punctuality(self, dossier: Dossier) -> str:
        return self._badge(dossier)["punctuality"]

    def get_remaining(self, dossier: Dossier) -> str:
        return self._badge(dossier)["text"]


class QueueItemSerializer(DeadlineMixin, serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.national_code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    agency_code = serializers.CharField(source="receiving_agency.code", read_only=True)

    class Meta:
        model = Dossier
        fields = ["id", "code", "state", "channel", "applicant_name", "procedure_code",
                  "procedure_name", "agency_code", "submitted_at", "intake_due_at",
                  "punctuality", "remaining"]


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierEvent
        fields = ["at", "actor_name", "actor_kind", "transition", "from_state", "to_state",
                  "reason", "data"]


class FileSerializer(serializers.ModelSerializer):
    component = serializers.CharField(source="component.name", read_only=True,
                                      allow_null=True)

    class Meta:
        model = DossierFile
        fields = ["id", "component", "original_name", "content_type", "size", "sha256",
                  "digitized", "uploaded_at"]


class DossierDetailSerializer(QueueItemSerializer):
    national_status = serializers.SerializerMethodField(
        help_text=_("Status code at the National Public Service Portal."))
    eform = serializers.SerializerMethodField(help_text=_("The e-form's values, as labelled."))
    files = FileSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(QueueItemSerializer.Meta):
        fields = [*QueueItemSerializer.Meta.fields, "national_status", "applicant_id_number",
                  "applicant_address", "applicant_phone", "applicant_email",
                  "representative_name", "representative_id_number",
                  "representative_authorisation", "delivery", "delivery_address", "summary",
                  "received_at", "processing_due_at", "completion_due_at", "eform", "files",
                  "events"]

    def get_national_status(self, dossier: Dossier) -> int | None:
        return NATIONAL_STATUS.get(dossier.state)

    def get_eform(self, dossier: Dossier) -> list[dict[str, Any]]:
        if dossier.filled_form is None:
            return []
        return [{key: item.get(key) for key in ("name", "label", "value", "columns", "rows")
                 if key in item}
                for item in display_items(dossier.filled_form.version.definition,
                                          dossier.filled_form.data)]


class AskToCompleteSerializer(serializers.Serializer):
    defects = serializers.ListField(child=serializers.CharField(max_length=1000),
                                    allow_empty=False, max_length=100,
                                    help_text=_("Every defect, one item each."))
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class RefuseSerializer(serializers.Serializer):
    reasons = serializers.CharField(max_length=5000)


# -- views ------------------------------------------------------------------------------------


class ReceivesDossiers(BasePermission):
    message = _("Only one-stop officers can use the intake API.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return has_perm(request.user, Perm.RECEIVE_DOSSIERS)


FILTERS = [
    OpenApiParameter("procedure", OpenApiTypes.INT, description="Procedure id."),
    OpenApiParameter("state", OpenApiTypes.STR, enum=list(selectors.QUEUE_STATES),
                     description="submitted (default) or incomplete."),
    OpenApiParameter("channel", OpenApiTypes.STR, enum=list(Channel.values)),
    OpenApiParameter("punctuality", OpenApiTypes.STR, enum=list(selectors.PUNCTUALITY_VALUES)),
]

DENIED = {403: OpenApiResponse(description="Not a one-stop officer."),
          404: OpenApiResponse(description="No such dossier in your agencies.")}
CONFLICT = OpenApiResponse(
    response=inline_serializer("IntakeError", {"detail": serializers.CharField()}),
    description="The action is not possible (e.g. another officer acted first).")


@extend_schema_view(
    list=extend_schema(summary="Intake queue of your agencies", parameters=FILTERS,
                       tags=["intake"]),
    retrieve=extend_schema(summary="A dossier of your agencies", responses={
        200: DossierDetailSerializer, **DENIED}, tags=["intake"]),
)
class IntakeDossierViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated, ReceivesDossiers]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return QueueItemSerializer if self.action == "list" else DossierDetailSerializer

    def get_queryset(self) -> QuerySet[Dossier]:
        user = self.request.user
        if self.action == "list":
            params = self.request.query_params
            procedure = params.get("procedure")
            return selectors.intake_queue(
                user, procedure=int(procedure) if procedure and procedure.isdigit() else None,
                state=params.get("state") or None, channel=params.get("channel") or None,
                punctuality=params.get("punctuality") or None)
        return selectors.officer_dossiers(user).select_related(
            "procedure", "receiving_agency", "filled_form__version").prefetch_related(
            "files__component", "events")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        dossier = self.get_object()
        record(Action.VIEW_PERSONAL_DATA, request=request, obj=dossier,
               message=str(_("Dossier opened at intake")))
        return Response(self.get_serializer(dossier).data)

    def _act(self, request: Request, run: Any) -> Response:
        dossier = self.get_object()
        try:
            run(dossier)
        except services.DossierError as error:
            return Response({"detail": str(error)}, status=status.HTTP_409_CONFLICT)
        dossier.refresh_from_db()
        return Response(DossierDetailSerializer(dossier, context={"request": request}).data)

    @extend_schema(summary="Receive the dossier officially", request=None,
                   responses={200: DossierDetailSerializer, 409: CONFLICT, **DENIED},
                   tags=["intake"])
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._act(request, lambda d: services.accept(d, by=request.user))

    @extend_schema(summary="Ask the applicant to complete the dossier",
                   request=AskToCompleteSerializer,
                   responses={200: DossierDetailSerializer, 409: CONFLICT, **DENIED},
                   tags=["intake"])
    @action(detail=True, methods=["post"], url_path="ask-to-complete")
    def ask_to_complete(self, request: Request, pk: str | None = None) -> Response:
        self.get_object()
        body = AskToCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(request, lambda d: services.ask_to_complete(
            d, by=request.user, defects=body.validated_data["defects"],
            reason=body.validated_data.get("note", "")))

    @extend_schema(summary="Refuse the dossier, with the reasons", request=RefuseSerializer,
                   responses={200: DossierDetailSerializer, 409: CONFLICT, **DENIED},
                   tags=["intake"])
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str | None = None) -> Response:
        self.get_object()
        body = RefuseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._act(request, lambda d: services.refuse(
            d, by=request.user, reasons=body.validated_data["reasons"]))


router = SimpleRouter()
router.register("intake/dossiers", IntakeDossierViewSet, basename="intake-dossier")
urlpatterns = router.urls
