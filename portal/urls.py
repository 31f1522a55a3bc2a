"""URL configuration: Vietnamese paths for the public, ``/admin/`` and ``/api/`` for the rest."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.ops.metrics import metrics_view

from . import views

admin.site.site_header = _("Public services administration")
admin.site.site_title = _("Public services administration")
admin.site.index_title = _("Configuration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("tai-khoan/", include("portal.accounts.urls")),
    path("nhat-ky/", include("portal.audit.urls")),
    path("lich-lam-viec/", include("portal.calendar.urls")),
    path("thu-tuc/", include("procedures.urls")),
    path("thu-tuc/", include("procedures.eforms_urls")),
    path("api/v1/", include("procedures.api_urls")),
    path("api/v1/", include("dossiers.api_urls")),
    path("ho-so/tai-lieu/", include("dossiers.documents_urls")),
    path("ho-so/", include("dossiers.citizen_urls")),
    path("mot-cua/", include("dossiers.officer_urls")),
    path("tra-cuu/", include("dossiers.lookup_urls")),
    path("xu-ly/", include("dossiers.processing_urls")),
    path("ket-qua/", include("dossiers.results_urls")),
    path("so-theo-doi/", include("dossiers.tracking_urls")),
    path("kho-du-lieu/", include("archive.urls")),
    path("phan-anh/", include("feedback.urls")),
    path("chi-so/", include("reports.urls")),
    path("thong-bao/", include("portal.notifications.urls")),
    path("van-hanh/dvcqg/", include("portal.dvcqg.urls")),
    path("van-hanh/", include("portal.ops.urls")),
    path("api/v1/feedback/", include("feedback.api_urls")),
    path("api/v1/ministry/", include("portal.dvcqg.api_urls")),
    path("api/v1/sms/", include("portal.notifications.api_urls")),
    path("oidc/", include("portal.accounts.oidc_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", views.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

if settings.DEBUG:  # development only; private uploads and documents are never served here
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", views.public_media),
    ]
