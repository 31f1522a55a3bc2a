"""Operations pages (O1-O3): /van-hanh/."""

from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("bao-tri/", views.NoticesView.as_view(), name="notices"),
    path("bao-tri/<int:pk>/huy/", views.CancelNoticeView.as_view(), name="notice-cancel"),
    path("ho-tro/", views.SupportView.as_view(), name="support"),
    path("ho-tro/hang-doi/", views.SupportQueueView.as_view(), name="support-queue"),
    path("ho-tro/<int:pk>/", views.SupportDetailView.as_view(), name="support-detail"),
]
