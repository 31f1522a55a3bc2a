"""Read-only public API of the catalogue (``/api/v1/``): procedures and fields, documented in the
OpenAPI schema. It searches through the same selector as the public page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from portal.agencies.models import Agency, AgencyLevel

from . import selectors
from .models import (
    DossierComponent,
    EForm,
    Fee,
    Field,
    LegalDocument,
    OnlineLevel,
    Procedure,
    ProcedureMethod,
)

# -- serializers ------------------------------------------------------------------------------


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name"]


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgencyLevel
        fields = ["code", "name"]


class AgencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["code", "name"]


class MethodSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)

    class Meta:
        model = ProcedureMethod
        fields = ["channel", "channel_display", "processing_time", "processing_unit",
                  "description"]


class FeeSerializer(serializers.ModelSerializer):
    amount_display = serializers.SerializerMethodField(
        help_text=_("The amount in Vietnamese money format, or the rule."))

    class Meta:
        model = Fee
        fields = ["kind", "channel", "amount_vnd", "rule", "description", "amount_display"]

    def get_amount_display(self, fee: Fee) -> str:
        return str(selectors.fee_amount(fee))


class LegalDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalDocument
        fields = ["number", "title", "issued_on", "issuer"]


class EFormSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True,
                                 help_text=_("<national procedure code>.<form symbol>"))

    class Meta:
        model = EForm
        fields = ["code", "symbol", "name", "signature_required"]


class ComponentSerializer(serializers.ModelSerializer):
    form = serializers.SerializerMethodField(help_text=_("Code of the e-form that fills it."))

    class Meta:
        model = DossierComponent
        fields = ["order", "name", "originals", "copies", "requirement", "condition", "form"]

    def get_form(self, component: DossierComponent) -> str | None:
        return component.form.code if component.form else None


class ProcedureListSerializer(serializers.ModelSerializer):
    field = FieldSerializer(read_only=True)
    level = LevelSerializer(read_only=True, allow_null=True)
    url = serializers.HyperlinkedIdentityField(
        view_name="procedure-detail", lookup_field="national_code")

    class Meta:
        model = Procedure
        fields = ["national_code", "name", "url", "field", "level", "online_level",
                  "processing_time", "processing_unit", "status"]


class ProcedureDetailSerializer(ProcedureListSerializer):
    owner_agency = AgencySerializer(read_only=True)
    receiving_agencies = AgencySerializer(many=True, read_only=True)
    deciding_agencies = AgencySerializer(many=True, read_only=True)
    methods = MethodSerializer(many=True, read_only=True)
    components = ComponentSerializer(many=True, read_only=True)
    fees = FeeSerializer(many=True, read_only=True)
    legal_basis = LegalDocumentSerializer(many=True, read_only=True)
    forms = EFormSerializer(many=True, read_only=True, source="active_forms")
    offers_online_submission = serializers.BooleanField(read_only=True)

    class Meta(ProcedureListSerializer.Meta):
        fields = [*ProcedureListSerializer.Meta.fields,
                  "status_reason", "status_since", "implementing_agency_text", "owner_agency",
                  "receiving_agencies", "deciding_agencies", "steps", "subjects", "result",
                  "conditions", "fee_text", "same_day_cutoff", "methods", "components", "fees",
                  "legal_basis", "forms", "offers_online_submission", "is_sample",
                  "updated_at"]


class CatalogueQuerySerializer(serializers.Serializer):
    """The query string of the procedure list; an unknown value is a 400 with the reason."""

    q = serializers.CharField(required=False, allow_blank=True,
                              max_length=selectors.MAX_QUERY_LENGTH)
    field = serializers.SlugRelatedField(
        slug_field="code", queryset=Field.objects.all(), required=False,
        error_messages={"does_not_exist": _("No field has the code “{value}”.")},
    )
    level = serializers.SlugRelatedField(
        slug_field="code", queryset=AgencyLevel.objects.all(), required=False,
        error_messages={"does_not_exist": _("No level has the code “{value}”.")},
    )
    agency = serializers.SlugRelatedField(
        slug_field="code", queryset=Agency.objects.all(), required=False,
        error_messages={"does_not_exist": _("No agency has the code “{value}”.")},
    )
    online_level = serializers.ChoiceField(
        choices=OnlineLevel.choices, required=False,
        error_messages={"invalid_choice": _("“{input}” is not a service level: use full, "
                                            "partial or none.")},
    )

    def to_filters(self) -> selectors.CatalogueFilters:
        data: dict[str, Any] = self.validated_data  # type: ignore[assignment]
        return selectors.CatalogueFilters(
            q=data.get("q", ""), field=data.get("field"), level=data.get("level"),
            agency=data.get("agency"), online_level=data.get("online_level", ""),
        )


# -- views ------------------------------------------------------------------------------------


class CataloguePagination(PageNumberPagination):
    page_size = selectors.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 100


LIST_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR,
                     description="Keyword, with or without Vietnamese diacritics, or a "
                                 "national code."),
    OpenApiParameter("field", OpenApiTypes.STR, description="Field code."),
    OpenApiParameter("level", OpenApiTypes.STR, description="Level code."),
    OpenApiParameter("online_level", OpenApiTypes.STR, enum=OnlineLevel.values,
                     description="Online service level."),
    OpenApiParameter("agency", OpenApiTypes.STR,
                     description="Agency e-ID: the procedures it manages, receives or decides."),
]


@extend_schema_view(
    list=extend_schema(
        summary="Search the public catalogue", parameters=LIST_PARAMETERS,
        description="Published, suspended and abolished procedures (never drafts); best match "
                    "first on PostgreSQL. An unknown filter value answers 400 with the reason.",
    ),
    retrieve=extend_schema(
        summary="A procedure with every public item (P1)",
        description="Components, methods, fees, legal basis and e-forms with their codes.",
    ),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The public catalogue of administrative procedures."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = CataloguePagination
    lookup_field = "national_code"
    lookup_value_regex = r"\d\.\d{6}"

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        if self.action == "retrieve":
            return ProcedureDetailSerializer
        return ProcedureListSerializer

    def get_queryset(self) -> QuerySet[Procedure]:
        if self.action == "retrieve":
            return selectors.detail_queryset()
        params = CatalogueQuerySerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.search_procedures(params.to_filters())


@extend_schema_view(list=extend_schema(summary="Fields of administrative procedures"))
class FieldViewSet(viewsets.ReadOnlyModelViewSet):
    """Fields (lĩnh vực) of the catalogue."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    pagination_class = None
    queryset = Field.objects.order_by("name")
    serializer_class = FieldSerializer
    lookup_field = "code"
