"""National identity sign-in (VNeID, OpenID Connect), mounted at ``/oidc/``.

The URL names are mozilla-django-oidc's, so its redirects and settings keep working. Every view
answers 404 while ``OIDC_ENABLED`` is off.
"""

from django.urls import path

from . import oidc

urlpatterns = [
    path("callback/", oidc.CitizenOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path(
        "authenticate/",
        oidc.CitizenOIDCAuthenticationRequestView.as_view(),
        name="oidc_authentication_init",
    ),
    path("logout/", oidc.CitizenOIDCLogoutView.as_view(), name="oidc_logout"),
]
