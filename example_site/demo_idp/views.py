"""The demo provider's endpoints: discovery, JWKS, authorize (the "phone"), token and UserInfo.

Why so strict for a demo: its purpose is to run the relying party's real code path, so whatever a
real provider (itsme) would refuse, this one refuses too, with the RFC 6749 / OIDC error codes, so
a relying-party bug shows up in ``make demo`` and in tests instead of at the first real login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

import jwt
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import conf, tokens
from .persons import NATIONAL_NUMBER_CLAIM, PERSONS, get_person

SIGNING_SALT = "example_site.demo_idp.authorize"
#: How long the authorize page may stay open before its signed request expires.
PAGE_MAX_AGE = 600
CODE_CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Parameters that must appear at most once (RFC 6749 §3.1, §3.2).
AUTHORIZE_PARAMS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "acr_values",
    "claims",
    "ui_locales",
    "prompt",
    "max_age",
    "login_hint",
    "request",
    "request_uri",
)
TOKEN_PARAMS = (
    "grant_type",
    "code",
    "redirect_uri",
    "code_verifier",
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
)
#: Which person claims each scope releases (itsme: ``profile`` and ``eid``).
SCOPE_CLAIMS = {
    "profile": ("given_name", "family_name", "name", "birthdate"),
    "eid": (NATIONAL_NUMBER_CLAIM,),
}
PERSON_CLAIMS = ("given_name", "family_name", "name", "birthdate", NATIONAL_NUMBER_CLAIM)
PROTOCOL_CLAIMS = ("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "at_hash")
#: What the consent text calls each claim.
CLAIM_LABELS = {
    "given_name": gettext_lazy("your name"),
    "family_name": gettext_lazy("your name"),
    "name": gettext_lazy("your name"),
    "birthdate": gettext_lazy("your date of birth"),
    NATIONAL_NUMBER_CLAIM: gettext_lazy("your national register number"),
}
LEVELS = (
    ("basic", conf.ACR_BASIC, gettext_lazy("Basic: PIN code or fingerprint")),
    ("advanced", conf.ACR_ADVANCED, gettext_lazy("Advanced: PIN code only")),
)
PAGE_LANGUAGES = ("nl", "fr", "en")


# --- discovery and keys -------------------------------------------------------------------------


@require_GET
def discovery(request):
    """OpenID Connect Discovery 1.0: everything a relying party reads to talk to us."""
    issuer = conf.issuer(request)
    document = {
        "issuer": issuer,
        **{name: issuer + path for name, path in conf.ENDPOINTS.items()},
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": list(conf.SIGNING_ALGORITHMS),
        "id_token_encryption_alg_values_supported": list(conf.ENCRYPTION_ALGORITHMS),
        "id_token_encryption_enc_values_supported": list(conf.ENCRYPTION_ENCODINGS),
        "userinfo_signing_alg_values_supported": list(conf.SIGNING_ALGORITHMS),
        "userinfo_encryption_alg_values_supported": list(conf.ENCRYPTION_ALGORITHMS),
        "userinfo_encryption_enc_values_supported": list(conf.ENCRYPTION_ENCODINGS),
        "token_endpoint_auth_methods_supported": list(conf.AUTH_METHODS),
        "token_endpoint_auth_signing_alg_values_supported": list(conf.CLIENT_ASSERTION_ALGORITHMS),
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": ["openid", *SCOPE_CLAIMS, *conf.all_service_scopes()],
        "claims_supported": [*PROTOCOL_CLAIMS, *PERSON_CLAIMS],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": True,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
        "acr_values_supported": list(conf.ACR_VALUES),
        "ui_locales_supported": list(PAGE_LANGUAGES),
    }
    response = JsonResponse(document)
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def jwks(request):
    """Our public signing key(s); the private key stays in ``SIGNING_KEY_FILE``."""
    response = JsonResponse(conf.published_jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- authorize ----------------------------------------------------------------------------------


class FatalRequest(Exception):
    """The redirect URI cannot be trusted, so the error is shown here (RFC 6749 §4.1.2.1)."""


class RedirectError(Exception):
    """An error the client learns about on its redirect URI."""

    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass
class AuthorizationRequest:
    client: conf.Client
    redirect_uri: str
    state: str = ""
    nonce: str = ""
    scopes: list[str] = field(default_factory=list)
    code_challenge: str = ""
    acr_values: list[str] = field(default_factory=list)
    claims: dict = field(default_factory=dict)
    language: str = ""

    def released_claims(self) -> list[str]:
        """Person claims the client will be able to read, whichever way it asked for them."""
        names = [name for scope in self.scopes for name in SCOPE_CLAIMS.get(scope, ())]
        for member in ("userinfo", "id_token"):
            names += list(self.claims.get(member) or {})
        return [name for name in PERSON_CLAIMS if name in names]


def parse_authorization(params: dict[str, str], duplicated: set[str]) -> AuthorizationRequest:
    """Validate an authorization request in the order RFC 6749 prescribes: first what decides whether
    the redirect URI can be trusted (FatalRequest), then the rest (RedirectError)."""
    if {"client_id", "redirect_uri"} & duplicated:
        raise FatalRequest(_("The request repeats client_id or redirect_uri."))
    client = conf.get_client(params.get("client_id"))
    if client is None:
        raise FatalRequest(_("The service that sent you here is unknown to this identity provider (client_id)."))
    redirect_uri = params.get("redirect_uri", "")
    if not client.redirect_uri_allowed(redirect_uri):
        raise FatalRequest(_("The return address (redirect_uri) is not registered for this service."))
    request = AuthorizationRequest(client=client, redirect_uri=redirect_uri, state=params.get("state", ""))
    if duplicated:
        raise RedirectError("invalid_request", f"Repeated parameter(s): {', '.join(sorted(duplicated))}.")
    if not request.state:
        raise RedirectError("invalid_request", "state is required.")
    if params.get("request"):
        raise RedirectError("request_not_supported", "Request objects are not supported.")
    if params.get("request_uri"):
        raise RedirectError("request_uri_not_supported", "request_uri is not supported.")
    if params.get("response_mode", "query") != "query":
        raise RedirectError("invalid_request", "Only response_mode=query is supported.")
    if not params.get("response_type"):
        raise RedirectError("invalid_request", "response_type is required.")
    if params["response_type"] != "code":
        raise RedirectError("unsupported_response_type", "Only response_type=code is supported.")
    request.scopes = params.get("scope", "").split()
    if "openid" not in request.scopes:
        raise RedirectError("invalid_scope", "The scope must contain openid.")
    unknown = [scope for scope in request.scopes if scope not in client.scopes]
    if unknown:
        raise RedirectError("invalid_scope", f"Scope(s) not allowed for this client: {' '.join(unknown)}.")
    if client.service_scopes and not set(client.service_scopes) & set(request.scopes):
        raise RedirectError("invalid_scope", f"The scope must name the service: {' or '.join(client.service_scopes)}.")
    request.nonce = params.get("nonce", "")
    if not request.nonce:
        raise RedirectError("invalid_request", "nonce is required.")
    request.code_challenge = params.get("code_challenge", "")
    if not request.code_challenge:
        raise RedirectError("invalid_request", "PKCE is required: send code_challenge and code_challenge_method=S256.")
    if params.get("code_challenge_method") != "S256":
        raise RedirectError("invalid_request", "Only code_challenge_method=S256 is supported (plain is refused).")
    if not CODE_CHALLENGE.match(request.code_challenge):
        raise RedirectError("invalid_request", "code_challenge is malformed.")
    request.claims = _parse_claims(params.get("claims"))
    if "none" in params.get("prompt", "").split():
        raise RedirectError("login_required", "This provider always asks the person (prompt=none is impossible).")
    request.acr_values = params.get("acr_values", "").split()
    request.language = _pick_language(params.get("ui_locales", ""))
    return request


def _parse_claims(raw: str | None) -> dict:
    """The OIDC ``claims`` parameter (§5.5): a JSON object with optional userinfo / id_token members."""
    if not raw:
        return {}
    try:
        claims = json.loads(raw)
    except ValueError as error:
        raise RedirectError("invalid_request", "claims is not valid JSON.") from error
    if not isinstance(claims, dict) or any(
        not isinstance(claims.get(member) or {}, dict) for member in ("userinfo", "id_token")
    ):
        raise RedirectError("invalid_request", "claims must be an object with userinfo / id_token objects.")
    return {member: dict(claims.get(member) or {}) for member in ("userinfo", "id_token")}


def _pick_language(ui_locales: str) -> str:
    for tag in ui_locales.split():
        primary = tag.split("-")[0].lower()
        if primary in PAGE_LANGUAGES:
            return primary
    return ""


def _single_params(query) -> tuple[dict[str, str], set[str]]:
    params = {name: query.get(name) for name in AUTHORIZE_PARAMS if name in query}
    duplicated = {name for name in AUTHORIZE_PARAMS if len(query.getlist(name)) > 1}
    return params, duplicated


@require_http_methods(["GET", "POST"])
def authorize(request):
    """GET shows the "phone": pick a test person and a level. POST (CSRF-protected, with the original
    request signed so it cannot be edited) answers the client with a code or ``access_denied``."""
    if request.method == "POST":
        try:
            params = signing.loads(request.POST.get("request", ""), salt=SIGNING_SALT, max_age=PAGE_MAX_AGE)
        except signing.SignatureExpired:
            return _fatal(request, _("This page was open too long. Go back to the service and start again."))
        except signing.BadSignature:
            return _fatal(request, _("This request was changed or is incomplete. Go back to the service."))
        duplicated: set[str] = set()
    else:
        params, duplicated = _single_params(request.GET)
    try:
        authorization = parse_authorization(params, duplicated)
    except FatalRequest as error:
        return _fatal(request, str(error))
    except RedirectError as error:
        return _error_redirect(request, params["redirect_uri"], error, params.get("state"))

    language = authorization.language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        if request.method == "GET":
            return _consent_page(request, authorization, params)
        if request.POST.get("action") == "cancel":
            denied = RedirectError("access_denied", "The person cancelled the verification.")
            return _error_redirect(request, authorization.redirect_uri, denied, authorization.state)
        person = get_person(request.POST.get("person", ""))
        acr = {key: value for key, value, _label in LEVELS}.get(request.POST.get("level", ""))
        if person is None or acr is None:
            return _consent_page(
                request,
                authorization,
                params,
                errors={
                    "person": "" if person else _("Choose a test person."),
                    "level": "" if acr else _("Choose a level."),
                },
            )
        code = _issue_code(authorization, person.id, acr)
        return _redirect(request, authorization.redirect_uri, {"code": code, "state": authorization.state})


def _consent_page(request, authorization: AuthorizationRequest, params: dict, errors: dict | None = None):
    errors = {name: message for name, message in (errors or {}).items() if message}
    requested_level = next(
        (key for key, acr, _label in LEVELS if acr in authorization.acr_values),
        "basic",
    )
    shared = list(dict.fromkeys(str(CLAIM_LABELS[name]) for name in authorization.released_claims()))
    context = {
        "client_name": authorization.client.name,
        "persons": PERSONS,
        "levels": [{"key": key, "acr": acr, "label": label} for key, acr, label in LEVELS],
        "selected_person": "" if errors.get("person") else request.POST.get("person", ""),
        "selected_level": requested_level if errors.get("level") else request.POST.get("level", requested_level),
        "shared": shared,
        "errors": errors,
        "signed_request": signing.dumps(params, salt=SIGNING_SALT, compress=True),
    }
    response = render(request, "demo_idp/authorize.html", context)
    response["Cache-Control"] = "no-store"
    # The form answers with a redirect to the client; CSP form-action also governs that redirect.
    parts = urlsplit(authorization.redirect_uri)
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    response._csp_replace = {"frame-ancestors": ["'none'"]}
    return response


def _issue_code(authorization: AuthorizationRequest, person_id: str, acr: str) -> str:
    """A single-use code (256 random bits) holding everything the token endpoint must check or put in tokens."""
    now = int(time.time())
    data = {
        "client_id": authorization.client.client_id,
        "redirect_uri": authorization.redirect_uri,
        "code_challenge": authorization.code_challenge,
        "nonce": authorization.nonce,
        "scopes": authorization.scopes,
        "claims": authorization.claims,
        "acr": acr,
        "person_id": person_id,
        "auth_time": now,
        "expires_at": now + conf.CODE_TTL,
    }
    while True:
        code = secrets.token_urlsafe(32)
        if cache.add(_code_key(code), data, timeout=conf.CODE_TTL):
            return code


def _code_key(code: str) -> str:
    return "demo_idp:code:" + hashlib.sha256(code.encode()).hexdigest()


def _used_code_key(code: str) -> str:
    return "demo_idp:used-code:" + hashlib.sha256(code.encode()).hexdigest()


def _access_token_key(token: str) -> str:
    return "demo_idp:access-token:" + hashlib.sha256(token.encode()).hexdigest()


def _redirect(request, redirect_uri: str, values: dict) -> HttpResponseRedirect:
    """Append the response to the redirect URI's query, with ``iss`` (RFC 9207) against mix-up attacks."""
    parts = urlsplit(redirect_uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(name, value) for name, value in values.items() if value]
    query.append(("iss", conf.issuer(request)))
    response = HttpResponseRedirect(urlunsplit(parts._replace(query=urlencode(query))))
    response["Cache-Control"] = "no-store"
    return response


def _error_redirect(request, redirect_uri: str, error: RedirectError, state: str | None):
    return _redirect(
        request, redirect_uri, {"error": error.error, "error_description": error.description, "state": state or ""}
    )


def _fatal(request, message: str):
    response = render(request, "demo_idp/error.html", {"message": message}, status=400)
    response["Cache-Control"] = "no-store"
    return response


# --- token --------------------------------------------------------------------------------------


class TokenError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _token_error(error: TokenError) -> JsonResponse:
    response = JsonResponse({"error": error.error, "error_description": error.description}, status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="demo-idp"'
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


@csrf_exempt  # a back-channel call from the relying party's server, authenticated per client
@require_POST
def token(request):
    """Authorization code → ID token and access token, after client authentication and PKCE."""
    try:
        duplicated = [name for name in TOKEN_PARAMS if len(request.POST.getlist(name)) > 1]
        if duplicated:
            raise TokenError("invalid_request", f"Repeated parameter(s): {', '.join(duplicated)}.")
        client = _authenticate_client(request)
        return _exchange_code(request, client)
    except TokenError as error:
        return _token_error(error)


def _authenticate_client(request) -> conf.Client:
    """RFC 6749 §2.3 and RFC 7523: exactly one method, and the one the client is registered with."""
    form = request.POST
    header = request.headers.get("Authorization", "")
    presented = []
    if header.lower().startswith("basic "):
        presented.append("client_secret_basic")
    if form.get("client_secret"):
        presented.append("client_secret_post")
    if form.get("client_assertion") or form.get("client_assertion_type"):
        presented.append("private_key_jwt")
    if not presented:
        raise TokenError("invalid_client", "Client authentication is required.", 401)
    if len(presented) > 1:
        raise TokenError("invalid_request", "Use exactly one client authentication method.")
    method = presented[0]

    secret = ""
    if method == "client_secret_basic":
        try:
            decoded = base64.b64decode(header.split(None, 1)[1], validate=True).decode()
            client_id, secret = (unquote_plus(part) for part in decoded.split(":", 1))
        except (ValueError, IndexError) as error:
            raise TokenError("invalid_client", "Malformed Basic authentication.", 401) from error
        if form.get("client_id") and form["client_id"] != client_id:
            raise TokenError("invalid_client", "client_id does not match the authenticated client.", 401)
    elif method == "client_secret_post":
        client_id, secret = form.get("client_id", ""), form["client_secret"]
    else:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise TokenError("invalid_client", f"client_assertion_type must be {ASSERTION_TYPE}.", 401)
        try:
            unverified = jwt.decode(form.get("client_assertion", ""), options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise TokenError("invalid_client", "The client assertion is not a JWT.", 401) from error
        client_id = str(unverified.get("iss") or "")
        if form.get("client_id") and form["client_id"] != client_id:
            raise TokenError("invalid_client", "client_id does not match the client assertion.", 401)

    client = conf.get_client(client_id)
    if client is None:
        raise TokenError("invalid_client", "Unknown client.", 401)
    if client.auth_method != method:
        raise TokenError("invalid_client", f"This client must authenticate with {client.auth_method}.", 401)
    if method == "private_key_jwt":
        audiences = [conf.endpoint("token_endpoint", request), conf.issuer(request)]
        try:
            tokens.verify_client_assertion(client, form["client_assertion"], audiences)
        except tokens.ClientAssertionError as error:
            raise TokenError("invalid_client", str(error), 401) from error
    else:
        expected = str(client.config.get("client_secret") or "")
        if not expected or not hmac.compare_digest(secret.encode(), expected.encode()):
            raise TokenError("invalid_client", "Wrong client secret.", 401)
    return client


def _exchange_code(request, client: conf.Client) -> JsonResponse:
    form = request.POST
    if form.get("grant_type") != "authorization_code":
        raise TokenError("unsupported_grant_type", "Only grant_type=authorization_code is supported.")
    code = form.get("code", "")
    if not code:
        raise TokenError("invalid_request", "code is required.")
    if not form.get("redirect_uri"):
        raise TokenError("invalid_request", "redirect_uri is required.")
    used_key = _used_code_key(code)
    earlier_token = cache.get(used_key)
    if earlier_token is not None:
        # RFC 6749 §4.1.2: a replayed code revokes what it was exchanged for.
        if earlier_token:
            cache.delete(_access_token_key(earlier_token))
        raise TokenError("invalid_grant", "The authorization code was already used.")
    data = cache.get(_code_key(code))
    if data is None:
        raise TokenError("invalid_grant", "Unknown or expired authorization code.")
    if data["client_id"] != client.client_id:
        raise TokenError("invalid_grant", "The authorization code was issued to another client.")
    if not cache.add(used_key, "", timeout=conf.ACCESS_TOKEN_TTL + conf.CODE_TTL):
        raise TokenError("invalid_grant", "The authorization code was already used.")
    cache.delete(_code_key(code))
    if data["expires_at"] < time.time():
        raise TokenError("invalid_grant", "The authorization code has expired.")
    if form["redirect_uri"] != data["redirect_uri"]:
        raise TokenError("invalid_grant", "redirect_uri differs from the authorization request.")
    if not tokens.pkce_matches(form.get("code_verifier", ""), data["code_challenge"]):
        raise TokenError("invalid_grant", "PKCE verification failed (code_verifier).")

    person = get_person(data["person_id"])
    subject = tokens.pairwise_subject(person.id, client.client_id)
    access_token = secrets.token_urlsafe(32)
    now = int(time.time())
    id_claims = {
        "iss": conf.issuer(request),
        "sub": subject,
        "aud": client.client_id,
        "exp": now + conf.ID_TOKEN_TTL,
        "iat": now,
        "auth_time": data["auth_time"],
        "nonce": data["nonce"],
        "acr": data["acr"],
        "at_hash": tokens.at_hash(access_token),
    }
    person_claims = person.claims()
    id_claims |= {name: person_claims[name] for name in data["claims"].get("id_token") or {} if name in person_claims}
    try:
        id_token = tokens.sign(id_claims)
        alg = client.config.get("id_token_encrypted_response_alg")
        if alg:
            enc = client.config.get("id_token_encrypted_response_enc") or "A128CBC-HS256"
            id_token = tokens.encrypt(client, id_token, alg, enc, nested=True)
    except (tokens.ClientKeyError, OSError, ValueError) as error:
        raise TokenError("server_error", f"Cannot encrypt to this client: {error}", 500) from error

    cache.set(
        _access_token_key(access_token),
        {
            "client_id": client.client_id,
            "person_id": person.id,
            "sub": subject,
            "scopes": data["scopes"],
            "claims": data["claims"].get("userinfo") or {},
            "expires_at": now + conf.ACCESS_TOKEN_TTL,
        },
        timeout=conf.ACCESS_TOKEN_TTL,
    )
    cache.set(used_key, access_token, timeout=conf.ACCESS_TOKEN_TTL + conf.CODE_TTL)
    response = JsonResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": conf.ACCESS_TOKEN_TTL,
            "id_token": id_token,
            "scope": " ".join(data["scopes"]),
        }
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


# --- userinfo -----------------------------------------------------------------------------------


def _bearer_error(error: str = "", description: str = "") -> HttpResponse:
    challenge = 'Bearer realm="demo-idp"'
    if error:
        challenge += f', error="{error}", error_description="{description}"'
    response = JsonResponse({"error": error or "invalid_request", "error_description": description}, status=401)
    response["WWW-Authenticate"] = challenge
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # a back-channel call authenticated by its bearer token
@require_http_methods(["GET", "POST"])
def userinfo(request):
    """The person's claims for a bearer token: as JSON, or signed (and encrypted) as the client registered."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, access_token = header.partition(" ")
        if scheme.lower() != "bearer":
            return _bearer_error("invalid_request", "Use the Bearer scheme.")
    elif request.method == "POST":
        access_token = request.POST.get("access_token", "")
    else:
        access_token = ""
    access_token = access_token.strip()
    if not access_token:
        return _bearer_error(description="An access token is required.")
    data = cache.get(_access_token_key(access_token))
    if data is None or data["expires_at"] < time.time():
        return _bearer_error("invalid_token", "The access token is unknown, expired or revoked.")
    client = conf.get_client(data["client_id"])
    person = get_person(data["person_id"])
    if client is None or person is None:
        return _bearer_error("invalid_token", "The access token is no longer valid.")

    person_claims = person.claims()
    wanted = [name for scope in data["scopes"] for name in SCOPE_CLAIMS.get(scope, ())] + list(data["claims"])
    claims = {"sub": data["sub"]} | {name: person_claims[name] for name in wanted if name in person_claims}

    signed_alg = client.config.get("userinfo_signed_response_alg")
    encrypted_alg = client.config.get("userinfo_encrypted_response_alg")
    if not signed_alg and not encrypted_alg:
        response = JsonResponse(claims)
        response["Cache-Control"] = "no-store"
        return response
    if signed_alg and signed_alg not in conf.SIGNING_ALGORITHMS:
        return JsonResponse(
            {"error": "server_error", "error_description": f"Cannot sign with {signed_alg}."}, status=500
        )
    payload = json.dumps(claims)
    if signed_alg:
        now = int(time.time())
        payload = tokens.sign({"iss": conf.issuer(request), "aud": client.client_id, "iat": now, **claims})
    if encrypted_alg:
        enc = client.config.get("userinfo_encrypted_response_enc") or "A128CBC-HS256"
        try:
            payload = tokens.encrypt(client, payload, encrypted_alg, enc, nested=bool(signed_alg))
        except (tokens.ClientKeyError, OSError, ValueError) as error:
            return JsonResponse({"error": "server_error", "error_description": str(error)}, status=500)
    response = HttpResponse(payload, content_type="application/jwt")
    response["Cache-Control"] = "no-store"
    return response
