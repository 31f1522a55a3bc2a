"""The public API, version 1 (``/api/v1/``)."""

from rest_framework.routers import SimpleRouter

from .api import FieldViewSet, ProcedureViewSet

router = SimpleRouter()
router.register("procedures", ProcedureViewSet, basename="procedure")
router.register("fields", FieldViewSet, basename="field")

urlpatterns = router.urls
