"""Citizen sign-in with the national identity: VNeID through the National Public Service Portal
SSO, spoken as OpenID Connect (U1, I3). See docs/adr/0003-citizen-sign-in-oidc.md.

Built on mozilla-django-oidc, with three changes:

* **Discovery.** With ``OIDC_OP_DISCOVERY_URL`` set, every endpoint setting left blank (and the
  issuer) comes from the provider's discovery document, fetched once and cached.
* **Stricter ID tokens.** Signature, algorithm, ``iss``, ``aud``/``azp``, ``exp``, ``iat`` and
  ``nonce`` are all checked (the library checks neither audience nor issuer), and the UserInfo
  ``sub`` must be the ID token's.
* **Citizen accounts.** A person is found by ``oidc_subject`` (``sub``), else by the personal ID
  number, which links an existing account; otherwise a citizen account is created. Officers and
  other privileged or locked accounts are refused, so are invalid personal ID numbers, and an
  e-mail address never links anything (an unverified one is not even stored).

Every view answers 404 while ``OIDC_ENABLED`` is off.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from portal.audit.services import Action, record

from .validators import validate_personal_id, validate_phone

LOGGER = logging.getLogger(__name__)

WELL_KNOWN_PATH = "/.well-known/openid-configuration"

#: Which claim carries which piece of the profile. Each can be renamed with the setting of the
#: same name, should the provider's claim names differ.
CLAIM_DEFAULTS: dict[str, str] = {
    "OIDC_CLAIM_PERSONAL_ID": "personal_id",
    "OIDC_CLAIM_FULL_NAME": "name",
    "OIDC_CLAIM_DATE_OF_BIRTH": "birthdate",
    "OIDC_CLAIM_PHONE": "phone_number",
    "OIDC_CLAIM_EMAIL": "email",
    "OIDC_CLAIM_EMAIL_VERIFIED": "email_verified",
    "OIDC_CLAIM_ADDRESS": "address",
}

#: Endpoint settings that the discovery document fills in when left blank.
DISCOVERY_KEYS: dict[str, str] = {
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
}

#: Defaults that differ from mozilla-django-oidc's, used when the setting does not exist.
SAFER_DEFAULTS: dict[str, Any] = {
    "OIDC_TIMEOUT": 10,  # the library's default is to wait forever
}

#: Claims about the token itself, not about the person.
TOKEN_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "jti", "nonce", "azp", "at_hash", "c_hash", "auth_time",
     "acr", "amr", "sid"}
)

_MISSING = object()


def oidc_enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def claim_name(setting: str) -> str:
    return str(getattr(settings, setting, CLAIM_DEFAULTS[setting]))


# --- Discovery --------------------------------------------------------------------------------


class DiscoveryError(Exception):
    """The provider's discovery document could not be fetched or is not acceptable."""


_discovery_lock = threading.Lock()
_discovery_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def clear_discovery_cache() -> None:
    with _discovery_lock:
        _discovery_cache.clear()


def discovery_document(url: str | None = None) -> dict[str, Any]:
    """The provider metadata at ``url`` (default ``OIDC_OP_DISCOVERY_URL``); ``{}`` if none.

    Cached in the process for ``OIDC_OP_DISCOVERY_CACHE_SECONDS`` (default one hour).
    """
    url = url if url is not None else getattr(settings, "OIDC_OP_DISCOVERY_URL", "")
    if not url:
        return {}
    now = time.monotonic()
    with _discovery_lock:
        cached = _discovery_cache.get(url)
    if cached is not None and cached[0] > now:
        return cached[1]
    document = _fetch_discovery_document(url)
    ttl = float(getattr(settings, "OIDC_OP_DISCOVERY_CACHE_SECONDS", 3600))
    with _discovery_lock:
        _discovery_cache[url] = (now + ttl, document)
    return document


def _fetch_discovery_document(url: str) -> dict[str, Any]:
    try:
        response = requests.get(
            url,
            timeout=provider_setting("OIDC_TIMEOUT", None),
            verify=provider_setting("OIDC_VERIFY_SSL", True),
            proxies=provider_setting("OIDC_PROXY", None),
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise DiscoveryError(f"cannot read the discovery document at {url}: {exc}") from exc
    if not isinstance(document, dict):
        raise DiscoveryError(f"the discovery document at {url} is not a JSON object")
    missing = [key for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
               if not isinstance(document.get(key), str) or not document[key]]
    if missing:
        raise DiscoveryError(f"the discovery document at {url} lacks {', '.join(missing)}")
    # OpenID Connect Discovery 1.0 section 4.3: the issuer is the URL the document came from.
    if url.endswith(WELL_KNOWN_PATH):
        expected = url[: -len(WELL_KNOWN_PATH)].rstrip("/")
        if document["issuer"].rstrip("/") != expected:
            raise DiscoveryError(
                f"the discovery document at {url} names issuer {document['issuer']!r}"
            )
    return document


def provider_setting(attr: str, *default: Any) -> Any:
    """mozilla-django-oidc's ``get_settings``, with blank endpoints filled in from discovery.

    An endpoint setting that is set (non-blank) wins over the discovery document, so a single
    endpoint can still be pointed elsewhere (an internal address for the token endpoint, say).
    """
    value = getattr(settings, attr, _MISSING)
    if attr in DISCOVERY_KEYS and (value is _MISSING or not value):
        discovered = discovery_document().get(DISCOVERY_KEYS[attr])
        if discovered:
            return discovered
    if attr == "OIDC_TOKEN_USE_BASIC_AUTH" and value is _MISSING:
        document = discovery_document()
        if document:
            # RFC 8414 / OIDC Discovery: when absent, the default is client_secret_basic.
            methods = document.get("token_endpoint_auth_methods_supported",
                                   ["client_secret_basic"])
            return "client_secret_post" not in methods
    if value is _MISSING:
        if attr in SAFER_DEFAULTS:
            return SAFER_DEFAULTS[attr]
        if default:
            return default[0]
        raise ImproperlyConfigured(f"Setting {attr} not found")
    return value


# --- Claims -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitizenProfile:
    """What the national identity tells about a person, cleaned. ``None``: not given."""

    subject: str
    personal_id: str | None
    full_name: str | None
    date_of_birth: date | None
    phone: str | None
    email: str | None
    address: str | None

    def profile_fields(self) -> dict[str, Any]:
        return {"full_name": self.full_name, "date_of_birth": self.date_of_birth,
                "phone": self.phone, "email": self.email, "address": self.address}


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _is_true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _full_name(claims: dict[str, Any]) -> str | None:
    name = _text(claims.get(claim_name("OIDC_CLAIM_FULL_NAME")))
    if not name:
        # Vietnamese order: family name, middle name, given name.
        name = " ".join(
            part for part in (_text(claims.get(key))
                              for key in ("family_name", "middle_name", "given_name")) if part
        )
    return name[:150] or None


def _date_of_birth(claims: dict[str, Any]) -> date | None:
    value = _text(claims.get(claim_name("OIDC_CLAIM_DATE_OF_BIRTH")))
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y%m%d"):
        try:
            born = datetime.strptime(value, pattern).date()
        except ValueError:
            continue
        return born if born <= date.today() else None
    return None


def _phone(claims: dict[str, Any]) -> str | None:
    value = _text(claims.get(claim_name("OIDC_CLAIM_PHONE"))).replace(" ", "").replace(".", "")
    try:
        validate_phone(value)
    except ValidationError:
        return None
    return value[:20]


def _email(claims: dict[str, Any]) -> str | None:
    """The e-mail address, only when the provider says it verified it."""
    value = _text(claims.get(claim_name("OIDC_CLAIM_EMAIL")))
    if not value or not _is_true(claims.get(claim_name("OIDC_CLAIM_EMAIL_VERIFIED"))):
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value[:254]


def _address(claims: dict[str, Any]) -> str | None:
    value = claims.get(claim_name("OIDC_CLAIM_ADDRESS"))
    if isinstance(value, dict):  # the standard claim is a JSON object
        value = value.get("formatted") or ", ".join(
            _text(value.get(key)) for key in
            ("street_address", "locality", "region", "country") if value.get(key)
        )
    return _text(value)[:255] or None


def profile_from_claims(claims: dict[str, Any]) -> CitizenProfile:
    """Clean the claims. Raises SuspiciousOperation when they cannot identify a citizen."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject.strip():
        raise SuspiciousOperation("the claims carry no subject")
    if len(subject) > 255:  # OpenID Connect Core 2: at most 255 ASCII characters
        raise SuspiciousOperation("the subject is longer than 255 characters")
    raw_id = claims.get(claim_name("OIDC_CLAIM_PERSONAL_ID"))
    personal_id = _text(raw_id).replace(" ", "") or None
    if personal_id is not None:
        try:
            validate_personal_id(personal_id)
        except ValidationError as exc:
            raise SuspiciousOperation("the personal ID number in the claims is not valid") from exc
    return CitizenProfile(
        subject=subject,
        personal_id=personal_id,
        full_name=_full_name(claims),
        date_of_birth=_date_of_birth(claims),
        phone=_phone(claims),
        email=_email(claims),
        address=_address(claims),
    )


# --- The authentication backend ---------------------------------------------------------------


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """Signs a citizen in with the national identity; refuses every privileged account."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Unlike the library, nothing is fetched here: Django builds the backend for every
        # request of a signed-in person (``get_user``), which must not wait on the provider.
        # The endpoints are resolved in ``authenticate``.
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID", "")
        self.OIDC_RP_CLIENT_SECRET = self.get_settings("OIDC_RP_CLIENT_SECRET", "")
        self.OIDC_RP_SIGN_ALGO = self.get_settings("OIDC_RP_SIGN_ALGO", "RS256")
        self.OIDC_RP_IDP_SIGN_KEY = self.get_settings("OIDC_RP_IDP_SIGN_KEY", None)
        self.OIDC_OP_TOKEN_ENDPOINT = ""
        self.OIDC_OP_USER_ENDPOINT = ""
        self.OIDC_OP_JWKS_ENDPOINT: str | None = None
        self.issuer = ""
        self.UserModel = get_user_model()
        self.request: HttpRequest | None = None

    def _load_provider(self) -> None:
        self.OIDC_OP_TOKEN_ENDPOINT = self.get_settings("OIDC_OP_TOKEN_ENDPOINT", "")
        self.OIDC_OP_USER_ENDPOINT = self.get_settings("OIDC_OP_USER_ENDPOINT", "")
        self.OIDC_OP_JWKS_ENDPOINT = self.get_settings("OIDC_OP_JWKS_ENDPOINT", "") or None
        self.issuer = self.get_settings("OIDC_OP_ISSUER", "")
        if not self.OIDC_OP_TOKEN_ENDPOINT:
            raise ImproperlyConfigured(
                "Set OIDC_OP_DISCOVERY_URL or OIDC_OP_TOKEN_ENDPOINT for national identity sign-in."
            )
        if (self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS"))
                and self.OIDC_RP_IDP_SIGN_KEY is None and self.OIDC_OP_JWKS_ENDPOINT is None):
            raise ImproperlyConfigured(
                f"{self.OIDC_RP_SIGN_ALGO} needs OIDC_OP_DISCOVERY_URL, OIDC_OP_JWKS_ENDPOINT "
                "or OIDC_RP_IDP_SIGN_KEY."
            )

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view calls with a ``nonce`` keyword; a password sign-in whose URL
        # happens to carry ``code`` and ``state`` must not start a token exchange.
        if request is None or not oidc_enabled() or "nonce" not in kwargs:
            return None
        try:
            self._load_provider()
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, DiscoveryError) as exc:
            LOGGER.warning("National identity sign-in refused: %s", exc)
            return None

    # -- tokens --

    def _signing_key(self, token: str) -> Any:
        if not self.OIDC_RP_SIGN_ALGO.startswith(("RS", "ES", "PS")):
            return self.OIDC_RP_CLIENT_SECRET
        if self.OIDC_RP_IDP_SIGN_KEY is not None:
            return self.OIDC_RP_IDP_SIGN_KEY
        try:
            return self.retrieve_matching_jwk(token)
        except (KeyError, TypeError, ValueError, jwt.PyJWTError) as exc:
            raise SuspiciousOperation(f"no usable signing key: {exc}") from exc

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """Check a signed JWT: the ID token (called with ``nonce``) or a signed UserInfo."""
        is_id_token = "nonce" in kwargs
        if not isinstance(token, str) or not token:
            raise SuspiciousOperation("no token")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"malformed token: {exc}") from exc
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"token algorithm {header.get('alg')!r} is not accepted")
        key = self._signing_key(token)
        # A signed UserInfo response need not carry iss and aud; an ID token must.
        check_aud = is_id_token or "aud" in unverified
        check_iss = bool(self.issuer) and (is_id_token or "iss" in unverified)
        required = ["iss", "sub", "aud", "exp", "iat"] if is_id_token else ["sub"]
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID if check_aud else None,
                issuer=self.issuer if check_iss else None,
                leeway=float(self.get_settings("OIDC_CLOCK_SKEW_SECONDS", 60)),
                options={"require": required, "verify_aud": check_aud,
                         "verify_iss": check_iss},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"token refused: {exc}") from exc
        audience = payload.get("aud")
        azp = payload.get("azp")
        if azp is not None and azp != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("token authorised for another party (azp)")
        if isinstance(audience, list) and len(audience) > 1 and azp is None:
            raise SuspiciousOperation("token for several audiences without azp")
        if is_id_token and self.get_settings("OIDC_USE_NONCE", True):
            nonce = kwargs.get("nonce")
            token_nonce = payload.get("nonce")
            if (not isinstance(nonce, str) or not isinstance(token_nonce, str)
                    or not secrets.compare_digest(nonce, token_nonce)):
                raise SuspiciousOperation("JWT Nonce verification failed.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str,
                     payload: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, completed by the UserInfo endpoint when there is one."""
        claims = {key: value for key, value in payload.items() if key not in TOKEN_CLAIMS}
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core 5.3.2: the UserInfo sub must be the ID token's.
            if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("the UserInfo response is about another subject")
            claims.update({key: value for key, value in info.items() if key not in TOKEN_CLAIMS})
        return claims

    # -- people --

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return isinstance(claims.get("sub"), str) and bool(claims["sub"])

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return "national identity subject"

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        """By subject only. Never by e-mail address (the library's default)."""
        subject = claims.get("sub")
        if not subject:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(oidc_subject=subject)

    def user_can_authenticate(self, user: Any) -> bool:
        """Active citizens and organisations only: officers, staff and superusers use their own
        sign-in (their password, their lock-out and password expiry rules)."""
        return bool(
            user.is_active
            and not getattr(user, "is_officer", False)
            and not user.is_staff
            and not user.is_superuser
        )

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_or_create_user(self, access_token: str, id_token: str,
                           payload: dict[str, Any]) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        profile = profile_from_claims(claims)
        with transaction.atomic():
            user = self.find_user(profile)
            if user is None:
                if not self.get_settings("OIDC_CREATE_USER", True):
                    LOGGER.info("National identity sign-in: no account, creation is off")
                    return None
                return self.create_citizen(profile)
            if not self.user_can_authenticate(user):
                raise SuspiciousOperation(
                    f"account {user.pk} may not sign in with the national identity"
                )
            return self.link_and_update(user, profile)

    def find_user(self, profile: CitizenProfile) -> Any:
        """The account of this person: by subject, else by personal ID number."""
        users = self.UserModel.objects.select_for_update()
        user = users.filter(oidc_subject=profile.subject).first()
        if user is not None:
            if profile.personal_id and user.personal_id not in (None, "", profile.personal_id):
                raise SuspiciousOperation(
                    f"account {user.pk} has another personal ID than the national identity"
                )
            if (profile.personal_id and not user.personal_id
                    and users.filter(personal_id=profile.personal_id).exclude(pk=user.pk)
                    .exists()):
                raise SuspiciousOperation("the personal ID number belongs to another account")
            return user
        if profile.personal_id:
            user = users.filter(personal_id=profile.personal_id).first()
            if user is not None and user.oidc_subject and user.oidc_subject != profile.subject:
                raise SuspiciousOperation(
                    f"account {user.pk} is linked to another national identity"
                )
            return user
        return None

    def get_username(self, claims: dict[str, Any]) -> str:
        return self.username_for(profile_from_claims(claims))

    def username_for(self, profile: CitizenProfile) -> str:
        """The personal ID number, else a digest of the subject; made unique if taken."""
        base = profile.personal_id or (
            "vneid-" + hashlib.sha256(profile.subject.encode()).hexdigest()[:24]
        )
        username, n = base, 1
        while self.UserModel.objects.filter(username__iexact=username).exists():
            n += 1
            username = f"{base}-{n}"
        return username

    def create_user(self, claims: dict[str, Any]) -> Any:
        return self.create_citizen(profile_from_claims(claims))

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        return self.link_and_update(user, profile_from_claims(claims))

    def create_citizen(self, profile: CitizenProfile) -> Any:
        User = self.UserModel
        user = User(
            username=self.username_for(profile),
            kind=User.Kind.CITIZEN,
            identity_source=User.IdentitySource.VNEID,
            oidc_subject=profile.subject,
            personal_id=profile.personal_id,
            full_name=profile.full_name or "",
            date_of_birth=profile.date_of_birth,
            phone=profile.phone or "",
            email=profile.email or "",
            address=profile.address or "",
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:  # the same person signing in twice at the same instant
            raise SuspiciousOperation("the account was created concurrently") from exc
        record(Action.CREATE, actor=user, obj=user, request=self.request,
               message="account created from the national identity (VNeID)")
        return user

    def link_and_update(self, user: Any, profile: CitizenProfile) -> Any:
        """Link the account to the national identity and refresh the profile from the claims."""
        User = self.UserModel
        changed: list[str] = []
        linking = user.oidc_subject != profile.subject
        if linking:
            user.oidc_subject = profile.subject
            changed.append("oidc_subject")
        if user.identity_source != User.IdentitySource.VNEID:
            user.identity_source = User.IdentitySource.VNEID
            changed.append("identity_source")
        if profile.personal_id and not user.personal_id:
            user.personal_id = profile.personal_id
            changed.append("personal_id")
        for field, value in profile.profile_fields().items():
            if value is not None and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
            record(Action.UPDATE, actor=user, obj=user, request=self.request,
                   changes={"fields": changed},
                   message=("account linked to the national identity (VNeID)" if linking
                            else "profile updated from the national identity (VNeID)"))
        return user


def exempt_from_lockout(request: HttpRequest | None, credentials: Any = None) -> bool:
    """For ``AXES_WHITELIST_CALLABLE``: a refused national identity callback guesses no secret
    (the code is single-use and bound to the browser's state), so it must not count towards the
    password lock-out, which keys refused callbacks on the address alone and would shut out
    everyone behind a shared address (a commune's one-stop desk, a mobile carrier's NAT)."""
    match = getattr(request, "resolver_match", None)
    return bool(match is not None and match.url_name == "oidc_authentication_callback")


# --- Views ------------------------------------------------------------------------------------


class OIDCEnabledMixin:
    """The national identity views exist only while ``OIDC_ENABLED`` is on."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not oidc_enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _unavailable(request: HttpRequest) -> HttpResponse:
    messages.error(
        request,
        _("Sign-in with the national identity (VNeID) is unavailable at the moment. "
          "Please try again later."),
    )
    return redirect(resolve_url(settings.LOGIN_URL))


class CitizenOIDCAuthenticationRequestView(OIDCEnabledMixin, OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorisation endpoint (from discovery or settings)."""

    get_settings = staticmethod(provider_setting)

    def __init__(self, **kwargs: Any) -> None:
        # Skip the library's __init__, which resolves the endpoint before ``dispatch`` (so
        # before the 404 check and outside any error handling).
        View.__init__(self, **kwargs)
        self.OIDC_OP_AUTH_ENDPOINT = ""
        self.OIDC_RP_CLIENT_ID = ""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            self.OIDC_OP_AUTH_ENDPOINT = self.get_settings("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
        except DiscoveryError as exc:
            LOGGER.warning("National identity sign-in unavailable: %s", exc)
            return _unavailable(request)
        if not self.OIDC_OP_AUTH_ENDPOINT:
            raise ImproperlyConfigured(
                "Set OIDC_OP_DISCOVERY_URL or OIDC_OP_AUTHORIZATION_ENDPOINT for national "
                "identity sign-in."
            )
        self.OIDC_RP_CLIENT_ID = self.get_settings("OIDC_RP_CLIENT_ID")
        return super().get(request)


class CitizenOIDCCallbackView(OIDCEnabledMixin, OIDCAuthenticationCallbackView):
    """Receives the provider's answer; a refusal goes back to the sign-in page with a message."""

    get_settings = staticmethod(provider_setting)

    @property
    def failure_url(self) -> str:
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "")
                           or settings.LOGIN_URL)

    def login_failure(self) -> HttpResponse:
        messages.error(
            self.request,
            _("Sign-in with the national identity (VNeID) did not succeed. Officers sign in "
              "with their own account."),
        )
        return super().login_failure()


class CitizenOIDCLogoutView(OIDCEnabledMixin, OIDCLogoutView):
    get_settings = staticmethod(provider_setting)
