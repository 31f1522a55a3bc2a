"""The citizen's dossier API (``/api/v1/citizen/dossiers/``, D1): list, start, read one's own
dossiers, attach and remove files, link the filled e-form, set the delivery, submit, resubmit
and withdraw — through the same services as the HTML pages. Another person's dossier is a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from portal.agencies.models import Agency
from procedures.models import DossierComponent, FilledForm, Procedure

from . import services, submission
from .models import Dossier, DossierDocument, DossierEvent, DossierFile
from .services import DossierError
from .states import NATIONAL_STATUS, Delivery

# -- serializers ------------------------------------------------------------------------------


class CitizenFileSerializer(serializers.ModelSerializer):
    component = serializers.PrimaryKeyRelatedField(read_only=True)
    component_name = serializers.CharField(source="component.name", read_only=True,
                                           default="")

    class Meta:
        model = DossierFile
        fields = ["id", "component", "component_name", "original_name", "content_type", "size",
                  "sha256", "uploaded_at"]


class CitizenEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierEvent
        fields = ["at", "transition", "from_state", "to_state", "actor_kind", "actor_name",
                  "reason", "data"]


class CitizenDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierDocument
        fields = ["id", "kind", "created_at"]


class CitizenDossierListSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.national_code", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    receiving_agency = serializers.CharField(source="receiving_agency.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    national_status = serializers.SerializerMethodField(
        help_text=_("The status code at the National Public Service Portal; none for a draft."))

    class Meta:
        model = Dossier
        fields = ["id", "code", "procedure", "procedure_name", "receiving_agency", "state",
                  "state_display", "national_status", "delivery", "delivery_address",
                  "created_at", "submitted_at", "intake_due_at", "received_at",
                  "processing_due_at", "completion_due_at", "closed_at"]

    def get_national_status(self, dossier: Dossier) -> int | None:
        return NATIONAL_STATUS.get(dossier.state)


class CitizenDossierDetailSerializer(CitizenDossierListSerializer):
    filled_form = serializers.PrimaryKeyRelatedField(read_only=True)
    files = CitizenFileSerializer(many=True, read_only=True)
    events = CitizenEventSerializer(many=True, read_only=True)
    documents = CitizenDocumentSerializer(many=True, read_only=True)
    defects = serializers.SerializerMethodField(
        help_text=_("What the agency asked to complete (a dossier asked to complete)."))
    problems = serializers.SerializerMethodField(
        help_text=_("What still prevents sending the dossier (empty when complete)."))

    class Meta(CitizenDossierListSerializer.Meta):
        fields = [*CitizenDossierListSerializer.Meta.fields, "applicant_name", "filled_form",
                  "files", "events", "documents", "defects", "problems"]

    def get_defects(self, dossier: Dossier) -> list[str]:
        return submission.defects(dossier)

    def get_problems(self, dossier: Dossier) -> list[str]:
        if dossier.state not in submission.FILES_EDITABLE:
            return []
        return submission.problems(dossier)


class CitizenStartSerializer(serializers.Serializer):
    procedure = serializers.CharField(help_text=_("National code of the procedure."))
    receiving_agency = serializers.CharField(
        required=False, allow_blank=True,
        help_text=_("Code of the receiving agency, when the procedure has several."))
    delivery = serializers.ChoiceField(choices=Delivery.choices, required=False)
    delivery_address = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CitizenUploadSerializer(serializers.Serializer):
    component = serializers.IntegerField(help_text=_("Id of the dossier component."))
    file = serializers.FileField(help_text=_("PDF, JPEG or PNG."))


class CitizenDeliverySerializer(serializers.Serializer):
    delivery = serializers.ChoiceField(choices=Delivery.choices)
    delivery_address = serializers.CharField(required=False, allow_blank=True, max_length=500)


class CitizenEFormLinkSerializer(serializers.Serializer):
    filled_form = serializers.IntegerField(help_text=_("Id of your filled e-form."))


class CitizenNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000)


class CitizenReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


DETAIL = CitizenDossierDetailSerializer
ERROR = inline_serializer("CitizenDossierProblem", fields={
    "detail": serializers.CharField(),
    "problems": serializers.ListField(child=serializers.CharField(), required=False),
})


def _error(exc: DossierError) -> Response:
    body: dict[str, Any] = {"detail": str(exc)}
    if isinstance(exc, submission.IncompleteDossier):
        body["problems"] = exc.problems
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


# -- the viewset ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("My dossiers"), tags=["citizen"]),
    retrieve=extend_schema(summary=_("One of my dossiers"), tags=["citizen"],
                           responses={200: DETAIL,
                                      404: OpenApiResponse(description=_("Not your dossier."))}),
)
class CitizenDossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """The signed-in person's own dossiers; anyone else's is not found."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Dossier]:
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema generation
            return Dossier.objects.none()
        rows = (Dossier.objects.filter(applicant=self.request.user)
                .select_related("procedure", "receiving_agency").order_by("-created_at", "-pk"))
        if self.action != "list":
            rows = rows.prefetch_related("files__component", "events", "documents")
        return rows

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return CitizenDossierListSerializer if self.action == "list" else DETAIL

    def _detail(self, dossier: Dossier, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=dossier.pk)
        return Response(DETAIL(fresh, context={"request": self.request}).data,
                        status=code)

    @extend_schema(summary=_("Start a draft dossier"), tags=["citizen"],
                   request=CitizenStartSerializer, responses={201: DETAIL, 400: ERROR})
    def create(self, request: Request) -> Response:
        body = CitizenStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        procedure = Procedure.objects.accepting().filter(
            national_code=body.validated_data["procedure"]).first()
        if procedure is None or not procedure.offers_online_submission:
            return Response({"detail": str(_("This procedure does not accept dossiers online."))},
                            status=status.HTTP_400_BAD_REQUEST)
        agency = None
        if body.validated_data.get("receiving_agency"):
            agency = Agency.objects.filter(code=body.validated_data["receiving_agency"]).first()
            if agency is None:
                return Response({"detail": str(_("No agency has this code."))},
                                status=status.HTTP_400_BAD_REQUEST)
        try:
            dossier = services.start_draft(procedure, applicant=request.user,
                                           receiving_agency=agency)
            if body.validated_data.get("delivery"):
                submission.set_delivery(dossier, body.validated_data["delivery"],
                                        body.validated_data.get("delivery_address", ""),
                                        by=request.user)
        except DossierError as exc:
            return _error(exc)
        return self._detail(dossier, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Attach a file to a component"), tags=["citizen"],
                   request={"multipart/form-data": CitizenUploadSerializer},
                   responses={201: CitizenFileSerializer, 400: ERROR})
    @action(detail=True, methods=["post"], url_path="files")
    def upload(self, request: Request, pk: str | None = None) -> Response:
        dossier = self.get_object()
        body = CitizenUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        component = DossierComponent.objects.filter(
            pk=body.validated_data["component"], procedure_id=dossier.procedure_id).first()
        if component is None:
            return Response({"detail": str(_("This paper is not part of this procedure's "
                                             "dossier."))}, status=status.HTTP_400_BAD_REQUEST)
        try:
            stored = submission.attach_file(dossier, component, body.validated_data["file"],
                                            by=request.user)
        except DossierError as exc:
            return _error(exc)
        return Response(CitizenFileSerializer(stored).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Remove a file"), tags=["citizen"], request=None,
                   responses={204: None, 400: ERROR})
    @action(detail=True, methods=["delete"], url_path=r"files/(?P<file_pk>\d+)")
    def remove_file(self, request: Request, pk: str | None = None,
                    file_pk: str | None = None) -> Response:
        dossier = self.get_object()
        get_object_or_404(DossierFile, pk=file_pk, dossier=dossier)
        try:
            submission.remove_file(dossier, int(file_pk or 0), by=request.user)
        except DossierError as exc:
            return _error(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary=_("Choose the result delivery"), tags=["citizen"],
                   request=CitizenDeliverySerializer, responses={200: DETAIL,
                                                          400: ERROR})
    @action(detail=True, methods=["post"])
    def delivery(self, request: Request, pk: str | None = None) -> Response:
        dossier = self.get_object()
        body = CitizenDeliverySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            submission.set_delivery(dossier, body.validated_data["delivery"],
                                    body.validated_data.get("delivery_address", ""),
                                    by=request.user)
        except DossierError as exc:
            return _error(exc)
        return self._detail(dossier)

    @extend_schema(summary=_("Attach my filled e-form"), tags=["citizen"],
                   request=CitizenEFormLinkSerializer, responses={200: DETAIL,
                                                           400: ERROR})
    @action(detail=True, methods=["post"])
    def eform(self, request: Request, pk: str | None = None) -> Response:
        dossier = self.get_object()
        body = CitizenEFormLinkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        filled = (FilledForm.objects.select_related("version__form")
                  .filter(pk=body.validated_data["filled_form"], user=request.user).first())
        if filled is None:
            return Response({"detail": str(_("This filled form is not yours."))},
                            status=status.HTTP_400_BAD_REQUEST)
        try:
            submission.link_eform(dossier, filled, by=request.user)
        except DossierError as exc:
            return _error(exc)
        return self._detail(dossier)

    @extend_schema(summary=_("Submit the draft"), tags=["citizen"], request=None,
                   responses={200: DETAIL, 400: ERROR})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        dossier = self.get_object()
        try:
            submission.send(dossier, by=request.user)
        except DossierError as exc:
            return _error(exc)
        return self._detail(dossier)

    @extend_schema(summary=_("Send the completed dossier"), tags=["citizen"],
                   request=CitizenNoteSerializer,
                   responses={200: DETAIL, 400: ERROR})
    @action(detail=True, methods=["post"])
    def resubmit(self, request: Request, pk: str | None = None) -> Response:
        dossier = self.get_object()
        body = CitizenNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            submission.send_again(dossier, by=request.user,
                                  note=body.validated_data.get("note", ""))
        except DossierError as exc:
            return _error(exc)
        return self._detail(dossier)

    @extend_schema(summary=_("Withdraw the dossier"), tags=["citizen"],
                   request=CitizenReasonSerializer, responses={200: DETAIL, 400: ERROR})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        dossier = self.get_object()
        body = CitizenReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.withdraw(dossier, by=request.user, reason=body.validated_data["reason"])
        except DossierError as exc:
            return _error(exc)
        return self._detail(dossier)


router = SimpleRouter()
router.register("citizen/dossiers", CitizenDossierViewSet, basename="citizen-dossier")

urlpatterns = router.urls
