"""Citizen sign-in with the national identity (U1, I3), end to end against a real stand-in OpenID
provider over HTTP (tests/oidc_provider.py): Django's test client plays the browser at the
portal, ``requests`` plays it at the provider."""

from __future__ import annotations

import socket
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from portal.accounts import oidc
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from tests.oidc_provider import OIDCProvider

BACKEND = "portal.accounts.oidc.CitizenOIDCBackend"
CALLBACK = "http://testserver/oidc/callback/"
SUBJECT = "vneid-7c1e4b2a-90d3-4f5e-a1b2-3c4d5e6f7a8b"
PERSONAL_ID = "001203004567"
CLAIMS: dict[str, Any] = {
    "personal_id": PERSONAL_ID,
    "name": "Nguyễn Thị Lan",
    "birthdate": "2003-04-05",
    "phone_number": "0912345678",
    "phone_number_verified": True,
    "email": "lan.nguyen@example.vn",
    "email_verified": True,
    "address": {"formatted": "12 Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh"},
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def op(settings: Any) -> Any:
    """The stand-in provider, and the portal configured for it through discovery only."""
    with OIDCProvider(redirect_uris=[CALLBACK]) as provider:
        settings.OIDC_ENABLED = True
        settings.AUTHENTICATION_BACKENDS = [
            *(b for b in settings.AUTHENTICATION_BACKENDS if b != BACKEND), BACKEND
        ]
        settings.OIDC_RP_CLIENT_ID = provider.client_id
        settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.OIDC_OP_DISCOVERY_URL = provider.discovery_url
        for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT",
                     "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
            setattr(settings, name, "")
        oidc.clear_discovery_cache()
        yield provider
    oidc.clear_discovery_cache()


@pytest.fixture
def citizen_at_op(op: OIDCProvider) -> OIDCProvider:
    op.add_user(SUBJECT, **CLAIMS)
    return op


def start(client: Client, op: OIDCProvider, next_url: str | None = None) -> str:
    """Portal → provider → back: the callback URL the provider sends the browser to."""
    response = client.get(reverse("oidc_authentication_init"),
                          {"next": next_url} if next_url else {})
    assert response.status_code == 302
    assert response["Location"].startswith(op.issuer + "/authorize?")
    at_op = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert at_op.status_code == 302, at_op.text
    back = at_op.headers["Location"]
    assert back.startswith(CALLBACK + "?")
    return back


def finish(client: Client, callback_url: str) -> Any:
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client: Client, op: OIDCProvider, next_url: str | None = None) -> Any:
    return finish(client, start(client, op, next_url))


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


def assert_refused(client: Client, response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"] == resolve_url(django_settings.LOGIN_URL)
    assert SESSION_KEY not in client.session
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


# --- switched off -----------------------------------------------------------------------------


def test_every_oidc_url_answers_404_while_disabled(client: Client, settings: Any) -> None:
    settings.OIDC_ENABLED = False
    for name in ("oidc_authentication_init", "oidc_authentication_callback", "oidc_logout"):
        assert client.get(reverse(name)).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"),
                      {"code": "c", "state": "s"}).status_code == 404
    assert client.post(reverse("oidc_logout")).status_code == 404


def test_backend_does_nothing_while_disabled(rf: Any, settings: Any) -> None:
    settings.OIDC_ENABLED = False
    request = rf.get("/oidc/callback/", {"code": "c", "state": "s"})
    assert oidc.CitizenOIDCBackend().authenticate(request, nonce="n") is None


# --- happy paths ------------------------------------------------------------------------------


def test_first_sign_in_creates_a_citizen_from_the_claims(client: Client,
                                                         citizen_at_op: OIDCProvider) -> None:
    op = citizen_at_op
    response = sign_in(client, op)

    assert response.status_code == 302
    assert response["Location"] == resolve_url(django_settings.LOGIN_REDIRECT_URL)
    user = User.objects.get(oidc_subject=SUBJECT)
    assert signed_in_user(client) == user
    assert user.kind == User.Kind.CITIZEN
    assert user.identity_source == User.IdentitySource.VNEID
    assert user.username == PERSONAL_ID
    assert user.personal_id == PERSONAL_ID
    assert user.full_name == "Nguyễn Thị Lan"
    assert user.date_of_birth == date(2003, 4, 5)
    assert user.phone == "0912345678"
    assert user.email == "lan.nguyen@example.vn"
    assert user.address == "12 Lê Lợi, phường Bến Thành, Thành phố Hồ Chí Minh"
    assert not user.has_usable_password()
    assert not user.is_staff and not user.is_superuser
    # The real protocol was spoken: discovery, a nonce and state, the token exchange
    # (client_secret_post, the library's default when the provider offers it), JWKS, UserInfo.
    authorize = op.authorize_requests[-1]
    assert authorize["nonce"] and authorize["state"] and authorize["client_id"] == op.client_id
    assert op.token_requests[-1]["auth_method"] == "client_secret_post"
    assert op.count("/.well-known/openid-configuration") == 1
    assert op.count("/jwks") == 1 and op.count("/userinfo") == 1
    # The sign-in is in the audit log (by the user_logged_in receiver), once.
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=user).count() == 1
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, actor=user).exists()


def test_second_sign_in_reuses_the_account_and_refreshes_the_profile(
        citizen_at_op: OIDCProvider) -> None:
    op = citizen_at_op
    sign_in(Client(), op)
    first = User.objects.get(oidc_subject=SUBJECT)
    op.users[SUBJECT].update(phone_number="0987654321", address="5 Trần Phú, Hà Nội")
    del op.users[SUBJECT]["name"]  # a claim that is not sent does not erase anything

    client = Client()
    response = sign_in(client, op)

    assert response.status_code == 302
    assert User.objects.count() == 1
    user = signed_in_user(client)
    assert user is not None and user.pk == first.pk
    assert user.phone == "0987654321"
    assert user.address == "5 Trần Phú, Hà Nội"
    assert user.full_name == "Nguyễn Thị Lan"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=user).count() == 2
    assert op.count("/.well-known/openid-configuration") == 1  # cached


def test_existing_local_citizen_is_linked_by_personal_id(client: Client,
                                                         citizen_at_op: OIDCProvider) -> None:
    local = User.objects.create_user("lan.local", password="a-long-local-password-1",
                                     personal_id=PERSONAL_ID, full_name="Lan")

    sign_in(client, citizen_at_op)

    assert signed_in_user(client) == local
    assert User.objects.count() == 1
    local.refresh_from_db()
    assert local.oidc_subject == SUBJECT
    assert local.identity_source == User.IdentitySource.VNEID
    assert local.full_name == "Nguyễn Thị Lan"
    assert local.username == "lan.local"
    assert local.check_password("a-long-local-password-1")  # the local password still works
    link = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(local.pk))
    assert "linked" in link.message
    assert "oidc_subject" in link.changes["fields"]


def test_next_url_is_honoured(client: Client, citizen_at_op: OIDCProvider) -> None:
    response = sign_in(client, citizen_at_op, next_url="/tai-khoan/")
    assert response["Location"] == "/tai-khoan/"


def test_sign_in_without_personal_id_claim_uses_the_subject(client: Client,
                                                            op: OIDCProvider) -> None:
    op.add_user(SUBJECT, name="Trần Văn Minh")
    sign_in(client, op)
    user = signed_in_user(client)
    assert user is not None and user.personal_id is None
    assert user.username.startswith("vneid-") and SUBJECT not in user.username


def test_client_secret_basic_when_the_provider_only_offers_it(client: Client,
                                                              citizen_at_op: OIDCProvider) -> None:
    citizen_at_op.token_auth_methods = ("client_secret_basic",)
    sign_in(client, citizen_at_op)
    assert signed_in_user(client) is not None
    assert citizen_at_op.token_requests[-1]["auth_method"] == "client_secret_basic"
    assert "client_secret" not in citizen_at_op.token_requests[-1]["params"]


def test_pkce(client: Client, settings: Any, citizen_at_op: OIDCProvider) -> None:
    settings.OIDC_USE_PKCE = True
    sign_in(client, citizen_at_op)
    assert signed_in_user(client) is not None
    assert citizen_at_op.authorize_requests[-1]["code_challenge_method"] == "S256"
    assert citizen_at_op.token_requests[-1]["params"]["code_verifier"]


def test_signed_in_citizen_keeps_the_session(client: Client, citizen_at_op: OIDCProvider) -> None:
    sign_in(client, citizen_at_op)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert response.wsgi_request.user.oidc_subject == SUBJECT


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "account",
    [
        {"kind": User.Kind.OFFICER, "personal_id": PERSONAL_ID},
        {"kind": User.Kind.OFFICER, "oidc_subject": SUBJECT},
        {"kind": User.Kind.CITIZEN, "personal_id": PERSONAL_ID, "is_superuser": True},
        {"kind": User.Kind.CITIZEN, "personal_id": PERSONAL_ID, "is_staff": True},
        {"kind": User.Kind.CITIZEN, "personal_id": PERSONAL_ID, "is_active": False},
        {"kind": User.Kind.CITIZEN, "personal_id": PERSONAL_ID, "oidc_subject": "someone-else"},
    ],
    ids=["officer-by-id", "officer-by-subject", "superuser", "staff", "locked",
         "linked-to-another-identity"],
)
def test_privileged_locked_or_foreign_accounts_are_refused(
        client: Client, citizen_at_op: OIDCProvider, account: dict[str, Any]) -> None:
    existing = User.objects.create_user("existing", password="a-long-local-password-1",
                                        **account)

    response = sign_in(client, citizen_at_op)

    assert_refused(client, response)
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.oidc_subject == account.get("oidc_subject")
    assert existing.identity_source == User.IdentitySource.LOCAL
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN).exists()


def test_subject_with_another_personal_id_is_refused(client: Client,
                                                     citizen_at_op: OIDCProvider) -> None:
    User.objects.create_user("other", personal_id="079199001234", oidc_subject=SUBJECT)
    assert_refused(client, sign_in(client, citizen_at_op))


@pytest.mark.parametrize("personal_id", ["12345", "999203004567", "00120300456A", "0012030045678"])
def test_invalid_personal_id_is_refused(client: Client, op: OIDCProvider,
                                        personal_id: str) -> None:
    op.add_user(SUBJECT, **dict(CLAIMS, personal_id=personal_id))
    assert_refused(client, sign_in(client, op))
    assert not User.objects.exists()


@pytest.mark.parametrize("verified", [False, True])
def test_email_never_links_and_unverified_is_not_stored(client: Client, op: OIDCProvider,
                                                        verified: bool) -> None:
    local = User.objects.create_user("someone", email="lan.nguyen@example.vn")
    op.add_user(SUBJECT, **dict(CLAIMS, email_verified=verified))

    sign_in(client, op)

    user = signed_in_user(client)
    assert user is not None and user.pk != local.pk
    local.refresh_from_db()
    assert local.oidc_subject is None
    assert user.email == ("lan.nguyen@example.vn" if verified else "")


@pytest.mark.parametrize(
    ("tamper", "overrides"),
    [
        ("payload", {}),
        ("foreign-key", {}),
        ("alg-none", {}),
        (None, {"nonce": "not-the-nonce-of-this-session"}),
        (None, {"nonce": None}),
        (None, {"aud": "another-client"}),
        (None, {"aud": ["dichvucong-portal", "another-client"]}),
        (None, {"azp": "another-client"}),
        (None, {"iss": "http://issuer.invalid"}),
        (None, {"exp": 1_000_000_000, "iat": 999_999_000}),
        (None, {"iat": None}),
    ],
    ids=["tampered-signature", "foreign-key", "unsigned", "wrong-nonce", "no-nonce",
         "wrong-audience", "extra-audience-no-azp", "wrong-azp", "wrong-issuer", "expired",
         "no-iat"],
)
def test_forged_or_misdirected_id_token_is_refused(client: Client, citizen_at_op: OIDCProvider,
                                                   tamper: str | None,
                                                   overrides: dict[str, Any]) -> None:
    citizen_at_op.tamper = tamper
    citizen_at_op.id_token_overrides = overrides

    response = sign_in(client, citizen_at_op)

    assert_refused(client, response)
    assert not User.objects.exists()
    assert citizen_at_op.count("/token") == 1  # the exchange happened; the token was refused


def test_userinfo_about_another_subject_is_refused(client: Client,
                                                   citizen_at_op: OIDCProvider) -> None:
    citizen_at_op.userinfo_overrides = {"sub": "someone-else"}
    assert_refused(client, sign_in(client, citizen_at_op))
    assert not User.objects.exists()


def test_wrong_client_secret_is_refused(client: Client, settings: Any,
                                        citizen_at_op: OIDCProvider) -> None:
    settings.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    assert_refused(client, sign_in(client, citizen_at_op))


def test_callback_is_bound_to_the_browser_that_started(client: Client,
                                                       citizen_at_op: OIDCProvider) -> None:
    callback_url = start(client, citizen_at_op)

    # Another browser (login CSRF: an attacker's code pushed onto a victim) gets nothing.
    other = Client()
    assert_refused(other, finish(other, callback_url))

    # The browser that started finishes; a replay of the same callback is rejected.
    finish(client, callback_url)
    assert signed_in_user(client) is not None
    assert finish(Client(), callback_url).status_code == 302  # no state there: refused
    replay = finish(client, callback_url)
    assert replay.status_code == 400  # state already used (SuspiciousOperation)


def test_provider_error_is_refused(client: Client, op: OIDCProvider) -> None:
    # Nobody is signed in at the provider: it answers error=login_required.
    callback_url = start(client, op)
    assert parse_qs(urlsplit(callback_url).query)["error"] == ["login_required"]
    assert_refused(client, finish(client, callback_url))


def test_unreachable_provider_sends_back_to_the_sign_in_page(client: Client, settings: Any,
                                                             op: OIDCProvider) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.OIDC_OP_DISCOVERY_URL = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    settings.OIDC_TIMEOUT = 2
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    assert response["Location"] == resolve_url(django_settings.LOGIN_URL)


def test_discovery_document_naming_another_issuer_is_rejected(settings: Any,
                                                              op: OIDCProvider) -> None:
    original = op.metadata
    op.metadata = lambda: dict(original(), issuer="http://issuer.invalid")  # type: ignore[method-assign]
    with pytest.raises(oidc.DiscoveryError):
        oidc.discovery_document()


def test_refused_callbacks_do_not_lock_out_the_address_when_exempted(
        settings: Any, citizen_at_op: OIDCProvider) -> None:
    settings.AXES_WHITELIST_CALLABLE = "portal.accounts.oidc.exempt_from_lockout"
    citizen_at_op.id_token_overrides = {"aud": "another-client"}
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        other = Client()
        assert_refused(other, sign_in(other, citizen_at_op))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED).count() == (
        settings.AXES_FAILURE_LIMIT + 1)

    citizen_at_op.id_token_overrides = {}
    client = Client()
    sign_in(client, citizen_at_op)
    assert signed_in_user(client) is not None


# --- claims -----------------------------------------------------------------------------------


def test_profile_from_claims_accepts_common_shapes(settings: Any) -> None:
    profile = oidc.profile_from_claims({
        "sub": "s",
        "personal_id": " 0012 0300 4567 ",
        "family_name": "Lê", "middle_name": "Văn", "given_name": "Tám",
        "birthdate": "05/04/2003",
        "phone_number": "+84 912 345 678",
        "email": "tam@example.vn", "email_verified": "true",
        "address": {"street_address": "1 Hai Bà Trưng", "locality": "Huế"},
    })
    assert profile.personal_id == PERSONAL_ID
    assert profile.full_name == "Lê Văn Tám"
    assert profile.date_of_birth == date(2003, 4, 5)
    assert profile.phone == "+84912345678"
    assert profile.email == "tam@example.vn"
    assert profile.address == "1 Hai Bà Trưng, Huế"

    sparse = oidc.profile_from_claims({"sub": "s", "phone_number": "12", "birthdate": "2003",
                                       "email": "x@example.vn"})
    assert (sparse.personal_id, sparse.phone, sparse.date_of_birth, sparse.email) == (
        None, None, None, None)

    settings.OIDC_CLAIM_PERSONAL_ID = "so_dinh_danh"
    assert oidc.profile_from_claims({"sub": "s", "so_dinh_danh": PERSONAL_ID}).personal_id == (
        PERSONAL_ID)
    with pytest.raises(SuspiciousOperation):
        oidc.profile_from_claims({"personal_id": PERSONAL_ID})  # no subject
