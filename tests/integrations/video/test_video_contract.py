"""Video providers: one contract every provider's tests inherit, then each deployment's own cases.

Tokens are decoded with PyJWT (signature, audience, issuer) and also put before a small reference
verifier written from prosody's own token check (jitsi-meet ``resources/prosody-plugins/
luajwtjitsi.lib.lua`` and ``token/util.lib.lua``): header ``typ``/``alg``, signature (checked
with ``hmac`` and ``cryptography``, not with PyJWT), ``exp``/``nbf`` without leeway, ``iss`` and
``aud`` against the accepted lists, and the ``room`` claim against the room being joined. A
self-consistent but wrong implementation cannot pass it.
"""

import base64
import dataclasses
import functools
import hashlib
import hmac
import json
import math
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
import requests
import responses
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.test import override_settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from digitale_balie_plugin.exceptions import ConfigurationError, IntegrationError
from digitale_balie_plugin.integrations.video import jitsi, jitsi_tokens
from digitale_balie_plugin.integrations.video.base import (
    ROOM_NAME_PATTERN,
    ConfigWarning,
    Participant,
    ParticipantRole,
    RoomAccess,
    StatusLine,
    VideoError,
    VideoProvider,
)
from digitale_balie_plugin.integrations.video.demo import DemoVideoProvider
from digitale_balie_plugin.integrations.video.jitsi import JitsiProvider
from digitale_balie_plugin.integrations.video.jitsi_tokens import asap_key_file_name
from digitale_balie_plugin.integrations.video.registry import get_video_provider, registry

NOW = datetime(2026, 12, 3, 9, 0, 0, tzinfo=UTC)
END = NOW + timedelta(minutes=50)  # the appointment's end plus the grace period

CLERK = Participant("Sofie Baert", ParticipantRole.MODERATOR, "clerk-12", "sofie.baert@stad.example")
CITIZEN = Participant("An Peeters", ParticipantRole.CITIZEN, "citizen-34")
GUEST = Participant("Tolk Arabisch", ParticipantRole.GUEST, "guest-56")
PARTICIPANTS = pytest.mark.parametrize("participant", [CLERK, CITIZEN, GUEST], ids=lambda p: p.role.value)

ROOM = "balie" + "0123456789abcdef" * 2
OTHER_ROOM = "balie" + "fedcba9876543210" * 2

JSON_KEYS = {
    "provider",
    "room_name",
    "display_name",
    "is_moderator",
    "domain",
    "jwt",
    "external_api_url",
    "config_overwrite",
    "interface_config_overwrite",
    "is_demo",
    "notices",
}

HTTP_FAILURES = pytest.mark.parametrize(
    "error",
    [
        requests.Timeout("read timed out"),
        requests.ConnectTimeout("connect timed out"),
        requests.ConnectionError("Name or service not known"),
        requests.exceptions.SSLError("certificate verify failed: unable to get local issuer certificate"),
        requests.exceptions.TooManyRedirects("Exceeded 30 redirects."),
        requests.exceptions.ChunkedEncodingError("Connection broken"),
        requests.exceptions.InvalidURL("Invalid URL"),
    ],
    ids=lambda error: type(error).__name__,
)


# -- keys and the reference verifier ------------------------------------------------------------


@functools.cache
def rsa_key(name: str = "main", bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_pem(key, password: bytes | None = None) -> str:
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption).decode()


def public_pem(key) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def b64url(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def header_of(token: str) -> dict:
    return json.loads(b64url(token.split(".")[0]))


def signature_valid(algorithm: str, key, signing_input: bytes, signature: bytes) -> bool:
    if algorithm == "HS256":
        return hmac.compare_digest(hmac.new(key.encode(), signing_input, hashlib.sha256).digest(), signature)
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def prosody_refusal(token, *, algorithm, key, room, issuers, audiences=("*",), at):
    """``None`` when prosody would let this token into ``room`` at time ``at``, else its reason.

    ``key``: the HS256 secret or the RSA *public* key. Mirrors ``luajwtjitsi.verify`` (no clock
    leeway: refused when ``now >= exp`` or ``now < nbf``; ``os.time()`` is whole seconds) and
    ``token/util``: ``iss`` in ``asap_accepted_issuers``, ``aud`` in ``asap_accepted_audiences``
    (``*`` accepts any), ``room`` claim required, equal to the joined room (lowercased) or ``*``.
    """
    segments = token.split(".")
    if len(segments) != 3:
        return "Invalid token"
    header, body, signature = json.loads(b64url(segments[0])), json.loads(b64url(segments[1])), b64url(segments[2])
    if header.get("typ") != "JWT":
        return "Invalid typ"
    if header.get("alg") != algorithm:
        return "Invalid or incorrect alg"
    if not signature_valid(algorithm, key, f"{segments[0]}.{segments[1]}".encode(), signature):
        return "Invalid signature"
    for claim in ("exp", "nbf"):
        if claim in body and (isinstance(body[claim], bool) or not isinstance(body[claim], int | float)):
            return f"{claim} must be number"
    now = int(at.timestamp())
    if "exp" in body and now >= body["exp"]:
        return "Not acceptable by exp"
    if "nbf" in body and now < body["nbf"]:
        return "Not acceptable by nbf"
    if body.get("iss") not in issuers:
        return "Invalid issuer ('iss' claim)"
    if "room" not in body:
        return "'room' claim is missing"
    if "aud" not in body or ("*" not in audiences and body["aud"] not in audiences):
        return "Invalid audience ('aud' claim)"
    if body["room"] != "*" and room.lower() != str(body["room"]).lower():
        return "Token not allowed to join this room"
    return None


def estimated_random_bits(names: list[str]) -> float:
    """A lower bound on the random bits in equally long names: per position, log2 of the symbols
    seen there. With 500 names a random hex position shows all 16 digits but for a ~1e-13 chance."""
    assert len({len(name) for name in names}) == 1, "room names of one provider have one length"
    return sum(math.log2(len(set(column))) for column in zip(*names, strict=True))


# -- the contract ---------------------------------------------------------------------------------


class VideoProviderContract:
    """What every video provider must do. Inherit it and set ``identifier`` and ``options``.

    The contract stays at the level callers rely on (the call service, the waiting room, the
    console, the status page): unguessable room names Jitsi keeps intact, a ``RoomAccess`` per
    role that serialises to JSON, refusals for ended calls and foreign room names, CSP origins,
    and status and config checks that never raise.
    """

    identifier: str = ""
    options: dict = {}

    @pytest.fixture(autouse=True)
    def http(self):
        """No real network: every request fails unless a test (or a subclass) adds an answer."""
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            yield mock

    @pytest.fixture
    def provider(self):
        return registry.get_class(self.identifier)(self.options)

    def test_is_registered_under_its_id(self, provider):
        assert registry.get_class(self.identifier) is type(provider)
        assert isinstance(provider, VideoProvider) and provider.identifier == self.identifier
        assert provider.kind == "VIDEO" and str(provider.verbose_name)

    def test_is_chosen_in_settings_with_its_options(self):
        with override_settings(DIGITALE_BALIE={"VIDEO": {"BACKEND": self.identifier, "OPTIONS": self.options}}):
            provider = get_video_provider()
        assert type(provider) is registry.get_class(self.identifier) and provider.options == self.options

    # -- room names ------------------------------------------------------------------------------

    def test_room_names_carry_at_least_128_random_bits_and_never_repeat(self, provider):
        names = [provider.new_room_name() for _ in range(500)]
        assert len(set(names)) == len(names)
        assert estimated_random_bits(names) >= 128

    def test_room_names_use_only_what_jitsi_keeps(self, provider):
        name = provider.new_room_name()
        assert re.fullmatch(r"[a-z0-9]+", name) and ROOM_NAME_PATTERN.fullmatch(name)
        assert name == name.lower()

    def test_room_names_do_not_come_from_the_random_module(self, provider):
        random.seed(1234)
        first = provider.new_room_name()
        random.seed(1234)
        assert provider.new_room_name() != first

    # -- room access -----------------------------------------------------------------------------

    @PARTICIPANTS
    def test_room_access_for_each_role(self, provider, participant):
        access = provider.room_access(ROOM, participant, not_after=END, now=NOW)
        assert isinstance(access, RoomAccess) and access.provider == self.identifier
        assert access.display_name == participant.display_name
        assert access.is_moderator is (participant.role == ParticipantRole.MODERATOR)
        assert access.room_name.endswith(ROOM)
        assert all(isinstance(str(notice), str) and str(notice) for notice in access.notices)

    @PARTICIPANTS
    def test_to_json_is_plain_json(self, provider, participant):
        data = provider.room_access(ROOM, participant, not_after=END, now=NOW).to_json()
        assert set(data) == JSON_KEYS
        assert json.loads(json.dumps(data)) == data
        assert all(type(notice) is str for notice in data["notices"])

    def test_to_json_cannot_change_the_defaults_of_later_rooms(self, provider):
        data = provider.room_access(ROOM, CLERK, not_after=END, now=NOW).to_json()
        data["config_overwrite"]["tampered"] = True
        for value in data["config_overwrite"].values():
            if isinstance(value, dict):
                value["tampered"] = True
        again = provider.room_access(ROOM, CLERK, not_after=END, now=NOW).to_json()
        assert "tampered" not in json.dumps(again)

    def test_real_clock_is_the_default(self, provider):
        access = provider.room_access(ROOM, CITIZEN, not_after=timezone.now() + timedelta(minutes=30))
        assert isinstance(access, RoomAccess)

    @pytest.mark.parametrize("not_after", [NOW, NOW - timedelta(seconds=1), NOW - timedelta(days=2)])
    def test_a_call_that_has_ended_opens_no_room(self, provider, not_after):
        with pytest.raises(VideoError) as caught:
            provider.room_access(ROOM, CITIZEN, not_after=not_after, now=NOW)
        assert isinstance(caught.value.message, Promise)  # translated, for the citizen or clerk

    def test_a_naive_not_after_is_a_programming_error(self, provider):
        with pytest.raises(ValueError, match="timezone-aware"):
            provider.room_access(ROOM, CITIZEN, not_after=datetime(2026, 12, 3, 10, 0), now=NOW)

    @pytest.mark.parametrize(
        "room", ["*", "", "balie0123", ROOM.upper(), ROOM + "/x", "../" + ROOM, ROOM + "*", "a b" * 10, None]
    )
    def test_only_room_names_we_made_are_accepted(self, provider, room):
        with pytest.raises(ValueError):
            provider.room_access(room, CLERK, not_after=END, now=NOW)

    def test_notices_match_room_access(self, provider):
        assert provider.notices() == provider.room_access(ROOM, CITIZEN, not_after=END, now=NOW).notices

    # -- CSP -------------------------------------------------------------------------------------

    def test_frame_origins_are_bare_https_origins_covering_the_room(self, provider):
        origins = provider.frame_origins()
        assert all(re.fullmatch(r"https://[a-z0-9.-]+(:[0-9]+)?", origin) for origin in origins)
        access = provider.room_access(ROOM, CITIZEN, not_after=END, now=NOW)
        if access.domain:
            assert f"https://{access.domain}" in origins
        if access.external_api_url:
            assert any(access.external_api_url.startswith(origin + "/") for origin in origins)

    # -- status and configuration ----------------------------------------------------------------

    def assert_status_lines(self, lines):
        assert lines and all(isinstance(line, StatusLine) for line in lines)
        for line in lines:
            assert str(line.label) and line.ok in (True, False, None) and isinstance(str(line.detail), str)
            assert "Traceback" not in str(line.detail)

    @HTTP_FAILURES
    def test_check_status_never_raises_when_every_http_call_fails(self, provider, http, error):
        http.reset()
        http.add(responses.GET, re.compile(r".*"), body=error)
        lines = provider.check_status()
        self.assert_status_lines(lines)
        assert all(line.ok is not True for line in lines if "://" in str(line.detail))

    @pytest.mark.parametrize("status", [301, 401, 403, 404, 500, 502, 503])
    def test_check_status_never_raises_on_http_errors(self, provider, http, status):
        http.reset()
        http.add(responses.GET, re.compile(r".*"), status=status, body="<html>error</html>")
        self.assert_status_lines(provider.check_status())

    def test_check_status_never_raises_without_options(self, http):
        self.assert_status_lines(registry.get_class(self.identifier)({}).check_status())

    def test_check_config_is_offline_and_empty_when_configured(self, provider, monkeypatch):
        def no_network(*args, **kwargs):
            raise AssertionError("check_config must not make HTTP requests")

        monkeypatch.setattr(requests.Session, "request", no_network)
        assert provider.check_config() == []


# -- the demo provider ----------------------------------------------------------------------------


class TestDemoVideoProvider(VideoProviderContract):
    identifier = "demo"
    options = {}

    @PARTICIPANTS
    def test_the_demo_embeds_nothing_and_says_so(self, provider, participant):
        access = provider.room_access(ROOM, participant, not_after=END, now=NOW)
        assert access.is_demo and access.jwt is None and access.domain == "" and access.external_api_url == ""
        assert access.room_name == ROOM
        [notice] = access.notices
        assert isinstance(notice, Promise) and "own camera" in str(notice)

    def test_no_frame_origins_and_one_status_line_without_network(self, provider, http):
        assert provider.frame_origins() == []
        [line] = provider.check_status()
        assert line.ok is None and "Demo" in str(line.detail)
        assert not http.calls

    def test_it_is_flagged_as_demo_for_the_production_check(self, provider):
        assert provider.is_demo and DemoVideoProvider.is_demo


# -- Jitsi: what every deployment shares ----------------------------------------------------------

APP_ID = "balie-gent"
APP_SECRET = "s3cr3t-" + "x" * 40
DOMAIN = "meet.stad.example"
KEY_ID = "balie-2026-12"
JAAS_APP_ID = "vpaas-magic-cookie-1fc542a3e4414a44b2611668195e2bfe"
JAAS_KEY_ID = "4f4910"


class JitsiContract(VideoProviderContract):
    """The shared Jitsi cases; subclasses say where the IFrame API script lives."""

    identifier = "jitsi"
    script_url: str = ""
    domain: str = ""

    def provider_with(self, **changes):
        options = {key: value for key, value in {**self.options, **changes}.items() if value is not None}
        return JitsiProvider(options)

    def script_line(self, lines):
        [line] = [line for line in lines if "IFrame" in str(line.label)]
        return line

    def test_the_room_is_embedded_from_the_deployments_domain(self, provider):
        access = provider.room_access(ROOM, CITIZEN, not_after=END, now=NOW)
        assert access.domain == self.domain and not access.is_demo
        assert access.external_api_url == self.script_url
        assert provider.frame_origins() == [f"https://{self.domain}"]

    def test_the_lobby_and_privacy_settings_ride_along(self, provider):
        config = provider.room_access(ROOM, CITIZEN, not_after=END, now=NOW).config_overwrite
        assert config["prejoinConfig"] == {"enabled": False}
        assert config["lobby"] == {"autoKnock": True, "enableChat": False}
        assert config["p2p"] == {"enabled": False}  # peer-to-peer would show each side the other's IP
        assert config["deeplinking"] == {"disabled": True} and config["disableDeepLinking"] is True
        assert config["securityUi"]["hideLobbyButton"] is True
        assert config["disableThirdPartyRequests"] is True and config["doNotStoreRoom"] is True

    def test_the_iframe_api_names_for_the_console(self):
        assert (jitsi.LOBBY_COMMAND, jitsi.LOBBY_ENABLE_AFTER_EVENT) == ("toggleLobby", "participantRoleChanged")
        assert (jitsi.KNOCKING_EVENT, jitsi.ANSWER_KNOCKING_COMMAND) == (
            "knockingParticipant",
            "answerKnockingParticipant",
        )

    def test_check_status_ok_when_the_script_answers(self, provider, http):
        http.add(responses.GET, self.script_url, body="function JitsiMeetExternalAPI(domain, options) {}")
        lines = provider.check_status()
        assert self.script_line(lines).ok is True
        assert http.calls[0].request.url == self.script_url
        assert http.calls[0].request.req_kwargs["timeout"] == 5

    def test_the_timeout_option(self, http):
        http.add(responses.GET, self.script_url, body="JitsiMeetExternalAPI")
        self.provider_with(TIMEOUT=2.5).check_status()
        assert http.calls[0].request.req_kwargs["timeout"] == 2.5

    @pytest.mark.parametrize(
        "answer, words",
        [
            ({"status": 200, "body": "<html>Log in to continue</html>"}, "not with Jitsi"),
            ({"status": 404, "body": "Not found"}, "404"),
            ({"status": 500, "body": "oops"}, "500"),
        ],
        ids=["200-not-jitsi", "404", "500"],
    )
    def test_check_status_reports_a_wrong_answer_readably(self, provider, http, answer, words):
        http.add(responses.GET, self.script_url, **answer)
        line = self.script_line(provider.check_status())
        assert line.ok is False and words in str(line.detail) and self.script_url in str(line.detail)

    @pytest.mark.parametrize(
        "error, words",
        [
            (requests.Timeout("read timed out"), "No answer within 5 seconds"),
            (requests.ConnectionError("Name or service not known"), "No connection"),
            (requests.exceptions.SSLError("certificate verify failed"), "TLS certificate"),
        ],
        ids=["timeout", "connection", "ssl"],
    )
    def test_check_status_reports_network_failures_readably(self, provider, http, error, words):
        http.add(responses.GET, self.script_url, body=error)
        line = self.script_line(provider.check_status())
        assert line.ok is False and words in str(line.detail)


class TokenContract(JitsiContract):
    """Deployments that hand out tokens; subclasses say how to verify them."""

    algorithm: str = ""
    issuer: str = ""
    audience: str = ""
    subject: str = ""
    kid: str | None = None

    def verification_key(self):
        """Override this: the HS256 secret or the RSA public key object."""
        raise NotImplementedError

    def assert_role(self, user: dict, participant: Participant) -> None:
        """Override this: how the deployment marks (non-)moderators in ``context.user``."""
        raise NotImplementedError

    def token(self, participant=CITIZEN, room=ROOM, not_after=END, provider=None):
        provider = provider or JitsiProvider(self.options)
        return provider.room_access(room, participant, not_after=not_after, now=NOW).jwt

    def claims(self, token):
        """Decoded with PyJWT: signature, audience and issuer verified; times checked by the tests."""
        return jwt.decode(
            token,
            self.verification_key(),
            algorithms=[self.algorithm],
            audience=self.audience,
            issuer=self.issuer,
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False, "require": ["exp", "nbf"]},
        )

    def refusal(self, token, room=ROOM, at=NOW, key=None):
        return prosody_refusal(
            token,
            algorithm=self.algorithm,
            key=key or self.verification_key(),
            room=room,
            issuers=(self.issuer,),
            audiences=(self.audience,),
            at=at,
        )

    @PARTICIPANTS
    def test_the_token_is_signed_for_the_audience_and_issuer(self, participant):
        claims = self.claims(self.token(participant))
        assert (claims["iss"], claims["aud"], claims["sub"]) == (self.issuer, self.audience, self.subject)

    @PARTICIPANTS
    def test_the_header(self, participant):
        header = header_of(self.token(participant))
        assert header["alg"] == self.algorithm and header["typ"] == "JWT"
        assert header.get("kid") == self.kid

    @PARTICIPANTS
    def test_context_user_values_are_all_strings(self, participant):
        user = self.claims(self.token(participant))["context"]["user"]
        assert all(type(value) is str for value in user.values())
        assert (user["id"], user["name"], user["email"]) == (
            participant.participant_id,
            participant.display_name,
            participant.email,
        )
        self.assert_role(user, participant)

    def test_the_token_binds_the_bare_room(self):
        assert self.claims(self.token(room=ROOM))["room"] == ROOM

    def test_exp_is_not_after_when_that_comes_first(self):
        claims = self.claims(self.token(not_after=END))
        assert claims["exp"] == int(END.timestamp())
        assert claims["iat"] == int(NOW.timestamp())

    def test_exp_never_passes_not_after_by_a_fraction_of_a_second(self):
        not_after = NOW + timedelta(seconds=10, milliseconds=700)
        assert self.claims(self.token(not_after=not_after))["exp"] <= not_after.timestamp()

    def test_exp_is_capped_by_the_maximum_lifetime(self):
        far = NOW + timedelta(days=3)
        assert self.claims(self.token(not_after=far))["exp"] == int((NOW + timedelta(hours=12)).timestamp())
        shorter = self.provider_with(MAX_TOKEN_HOURS=1)
        assert self.claims(self.token(not_after=far, provider=shorter))["exp"] == int(
            (NOW + timedelta(hours=1)).timestamp()
        )

    def test_nbf_is_backdated_because_prosody_allows_no_clock_skew(self):
        assert self.claims(self.token())["nbf"] == int(NOW.timestamp()) - 10
        later = self.provider_with(NBF_LEEWAY_SECONDS=30)
        assert self.claims(self.token(provider=later))["nbf"] == int(NOW.timestamp()) - 30

    def test_the_reference_verifier_admits_the_token_to_its_room_only(self):
        token = self.token(CITIZEN, room=ROOM, not_after=END)
        assert self.refusal(token, room=ROOM, at=NOW) is None
        assert self.refusal(token, room=ROOM, at=NOW - timedelta(seconds=5)) is None  # server clock behind
        assert self.refusal(token, room=OTHER_ROOM, at=NOW) == "Token not allowed to join this room"

    def test_the_reference_verifier_refuses_it_at_exp_and_before_nbf(self):
        token = self.token(CITIZEN, not_after=END)
        assert self.refusal(token, at=END - timedelta(seconds=1)) is None
        assert self.refusal(token, at=END) == "Not acceptable by exp"
        assert self.refusal(token, at=NOW - timedelta(seconds=11)) == "Not acceptable by nbf"

    def test_the_reference_verifier_refuses_a_tampered_token_or_another_key(self):
        token = self.token(CITIZEN)
        header, body, signature = token.split(".")
        claims = json.loads(b64url(body))
        claims["room"] = "*"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        assert self.refusal(f"{header}.{forged}.{signature}") == "Invalid signature"
        assert self.refusal(token, key=self.other_key()) == "Invalid signature"

    def other_key(self):
        return "another-secret-" + "y" * 40 if self.algorithm == "HS256" else rsa_key("other").public_key()

    def test_real_clock_tokens_verify_with_every_check_on(self):
        token = JitsiProvider(self.options).room_access(ROOM, CLERK, not_after=timezone.now() + timedelta(hours=1)).jwt
        key = self.verification_key()
        claims = jwt.decode(token, key, algorithms=[self.algorithm], audience=self.audience, issuer=self.issuer)
        assert claims["room"] == ROOM

    def test_room_access_goes_through_mint_token(self, monkeypatch):
        calls = []

        def fake_mint(token_settings, room_name, participant, not_after, now=None):
            calls.append((room_name, participant, not_after, now))
            return "minted-here"

        monkeypatch.setattr(jitsi, "mint_token", fake_mint)
        assert self.token(GUEST) == "minted-here" and calls == [(ROOM, GUEST, END, NOW)]

    def test_a_missing_option_names_the_setting(self):
        provider = self.provider_with(APP_ID=None)
        with pytest.raises(ConfigurationError, match=r'DIGITALE_BALIE\["VIDEO"\]\["OPTIONS"\]\["APP_ID"\]'):
            provider.room_access(ROOM, CITIZEN, not_after=END, now=NOW)

    def test_the_token_status_line(self, provider):
        [line] = [line for line in provider.check_status() if "token" in str(line.label).lower()]
        assert line.ok is True and self.algorithm in str(line.detail)


# -- Jitsi: self-hosted ---------------------------------------------------------------------------


class TestSelfHostedHS256(TokenContract):
    options = {"DEPLOYMENT": "self_hosted", "DOMAIN": DOMAIN, "APP_ID": APP_ID, "APP_SECRET": APP_SECRET}
    script_url = f"https://{DOMAIN}/external_api.js"
    domain = DOMAIN
    algorithm, issuer, audience, subject, kid = "HS256", APP_ID, APP_ID, DOMAIN, None

    def verification_key(self):
        return APP_SECRET

    def assert_role(self, user, participant):
        expected = "owner" if participant.role == ParticipantRole.MODERATOR else "member"
        assert user["affiliation"] == expected
        assert "moderator" not in user  # that is JaaS's claim; prosody's token_affiliation reads affiliation

    def test_self_hosted_is_the_default_deployment(self):
        options = {key: value for key, value in self.options.items() if key != "DEPLOYMENT"}
        assert JitsiProvider(options).deployment() == "self_hosted"

    def test_the_embed_uses_the_bare_room_name(self, provider):
        assert provider.room_access(ROOM, CLERK, not_after=END, now=NOW).room_name == ROOM

    def test_audience_issuer_and_subject_follow_prosodys_settings(self):
        provider = self.provider_with(AUDIENCE="jitsi", ISSUER="balie", SUBJECT="*")
        claims = jwt.decode(
            self.token(provider=provider),
            APP_SECRET,
            algorithms=["HS256"],
            audience="jitsi",
            issuer="balie",
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
        assert claims["sub"] == "*"

    def test_prosody_accepts_any_audience_by_default(self):
        token = self.token()
        verdict = prosody_refusal(token, algorithm="HS256", key=APP_SECRET, room=ROOM, issuers=(APP_ID,), at=NOW)
        assert verdict is None

    def test_a_short_app_secret_is_refused(self):
        with pytest.raises(ConfigurationError, match="at least 32"):
            self.token(provider=self.provider_with(APP_SECRET="changeme"))

    def test_a_token_for_everyone_is_not_a_token_for_every_room(self):
        """Every token names one room; nothing lets a caller mint the ``*`` wildcard."""
        with pytest.raises(ValueError):
            self.token(room="*")

    @pytest.mark.parametrize(
        "changes, names",
        [
            ({"DOMAIN": None, "APP_ID": None, "APP_SECRET": None}, ["DOMAIN", "APP_ID", "APP_SECRET"]),
            ({"APP_SECRET": ""}, ["APP_SECRET"]),
            ({"ALGORITHM": "RS256", "APP_SECRET": None}, ["PRIVATE_KEY", "KEY_ID"]),
        ],
        ids=["nothing", "empty-secret", "rs256-without-key"],
    )
    def test_check_config_names_what_is_missing(self, changes, names):
        problems = " ".join(self.provider_with(**changes).check_config())
        for name in names:
            assert f'DIGITALE_BALIE["VIDEO"]["OPTIONS"]["{name}"]' in problems

    @pytest.mark.parametrize(
        "changes, name",
        [
            ({"DEPLOYMENT": "cloud"}, "DEPLOYMENT"),
            ({"DOMAIN": "https://meet.stad.example/"}, "DOMAIN"),
            ({"APP_SECRET": "short"}, "APP_SECRET"),
            ({"ALGORITHM": "ES256"}, "ALGORITHM"),
            ({"MAX_TOKEN_HOURS": 0}, "MAX_TOKEN_HOURS"),
            ({"MAX_TOKEN_HOURS": "soon"}, "MAX_TOKEN_HOURS"),
            ({"NBF_LEEWAY_SECONDS": 3600}, "NBF_LEEWAY_SECONDS"),
            ({"TIMEOUT": -1}, "TIMEOUT"),
            ({"ROOM_SIZE_URL": "ftp://meet.stad.example/room-size"}, "ROOM_SIZE_URL"),
        ],
    )
    def test_check_config_spots_wrong_values(self, changes, name):
        problems = self.provider_with(**changes).check_config()
        assert problems and all(isinstance(problem, str) for problem in problems)
        assert any(f'["{name}"]' in problem for problem in problems)

    def test_a_private_key_next_to_hs256_is_a_warning(self):
        [problem] = self.provider_with(PRIVATE_KEY=private_pem(rsa_key())).check_config()
        assert isinstance(problem, ConfigWarning) and '["PRIVATE_KEY"]' in problem

    def test_check_status_without_domain_names_the_setting(self, http):
        lines = self.provider_with(DOMAIN=None).check_status()
        assert any(line.ok is False and '["DOMAIN"]' in str(line.detail) for line in lines)
        assert not http.calls

    # -- prosody's room-size endpoint ------------------------------------------------------------

    ROOM_SIZE_URL = f"https://{DOMAIN}/room-size?room=healthcheck&domain={DOMAIN}"

    def room_size_line(self, http, **answer):
        http.add(responses.GET, self.script_url, body="JitsiMeetExternalAPI")
        http.add(responses.GET, self.ROOM_SIZE_URL, **answer)
        lines = self.provider_with(ROOM_SIZE_URL=self.ROOM_SIZE_URL).check_status()
        [line] = [line for line in lines if "room-size" in str(line.label)]
        return line

    def test_no_room_size_line_without_the_option(self, provider, http):
        http.add(responses.GET, self.script_url, body="JitsiMeetExternalAPI")
        assert not [line for line in provider.check_status() if "room-size" in str(line.label)]
        assert len(http.calls) == 1

    @pytest.mark.parametrize(
        "answer, ok",
        [
            ({"status": 200, "json": {"participants": 0}}, True),
            ({"status": 404, "body": ""}, True),  # prosody: the room does not exist
            ({"status": 404, "json": {}}, True),
            ({"status": 404, "body": "<html><h1>404 Not Found</h1></html>"}, False),  # nginx: wrong path
            ({"status": 403, "body": ""}, False),
            ({"status": 200, "body": "<html>login</html>"}, False),
            ({"status": 502, "body": "Bad gateway"}, False),
            ({"body": requests.ConnectionError("refused")}, False),
        ],
        ids=["200", "404-empty", "404-json", "404-html", "403", "200-html", "502", "connection-error"],
    )
    def test_the_room_size_endpoint(self, http, answer, ok):
        line = self.room_size_line(http, **answer)
        assert line.ok is ok and str(line.detail)


class TestSelfHostedRS256(TokenContract):
    options = {
        "DEPLOYMENT": "self_hosted",
        "DOMAIN": DOMAIN,
        "APP_ID": APP_ID,
        "ALGORITHM": "RS256",
        "PRIVATE_KEY": private_pem(rsa_key()),
        "KEY_ID": KEY_ID,
    }
    script_url = f"https://{DOMAIN}/external_api.js"
    domain = DOMAIN
    algorithm, issuer, audience, subject, kid = "RS256", APP_ID, APP_ID, DOMAIN, KEY_ID

    def verification_key(self):
        return rsa_key().public_key()

    def assert_role(self, user, participant):
        TestSelfHostedHS256.assert_role(self, user, participant)

    def test_prosody_finds_the_public_key_by_the_sha256_of_the_kid(self, provider):
        expected = hashlib.sha256(KEY_ID.encode()).hexdigest() + ".pem"
        assert asap_key_file_name(KEY_ID) == expected
        [line] = [line for line in provider.check_status() if "token" in str(line.label).lower()]
        assert expected in str(line.detail)

    def test_a_pem_squeezed_into_one_environment_variable_works(self):
        provider = self.provider_with(PRIVATE_KEY=private_pem(rsa_key()).replace("\n", "\\n"))
        assert self.refusal(self.token(provider=provider)) is None

    @pytest.mark.parametrize(
        "key",
        [
            "not a key",
            private_pem(rsa_key(), password=b"secret"),
            public_pem(rsa_key()),
            private_pem(ec.generate_private_key(ec.SECP256R1())),
            private_pem(rsa_key("small", bits=1024)),
        ],
        ids=["garbage", "encrypted", "public-key", "ec-key", "1024-bits"],
    )
    def test_an_unusable_private_key_is_named_without_leaking_it(self, key):
        provider = self.provider_with(PRIVATE_KEY=key)
        [problem] = provider.check_config()
        assert '["PRIVATE_KEY"]' in problem and "BEGIN" not in problem
        with pytest.raises(ConfigurationError, match="PRIVATE_KEY"):
            self.token(provider=provider)

    def test_the_key_id_is_required(self):
        assert any('["KEY_ID"]' in problem for problem in self.provider_with(KEY_ID="").check_config())


# -- Jitsi: 8x8 JaaS --------------------------------------------------------------------------------


class TestJaas(TokenContract):
    options = {
        "DEPLOYMENT": "jaas",
        "APP_ID": JAAS_APP_ID,
        "KEY_ID": JAAS_KEY_ID,
        "PRIVATE_KEY": private_pem(rsa_key("jaas")),
    }
    script_url = f"https://8x8.vc/{JAAS_APP_ID}/external_api.js"
    domain = "8x8.vc"
    algorithm, issuer, audience, subject, kid = "RS256", "chat", "jitsi", JAAS_APP_ID, f"{JAAS_APP_ID}/{JAAS_KEY_ID}"

    def verification_key(self):
        return rsa_key("jaas").public_key()

    def assert_role(self, user, participant):
        assert user["moderator"] == ("true" if participant.role == ParticipantRole.MODERATOR else "false")
        assert user["avatar"] == "" and "affiliation" not in user

    def test_the_embed_room_name_carries_the_app_id(self, provider):
        assert provider.room_access(ROOM, CLERK, not_after=END, now=NOW).room_name == f"{JAAS_APP_ID}/{ROOM}"

    @PARTICIPANTS
    def test_every_paid_feature_is_off(self, participant):
        features = self.claims(self.token(participant))["context"]["features"]
        assert features["livestreaming"] == features["recording"] == features["transcription"] == "false"
        assert features["outbound-call"] == "false"
        assert all(value == "false" for value in features.values())

    def test_the_whole_key_id_from_the_console_is_accepted(self):
        provider = self.provider_with(KEY_ID=f"{JAAS_APP_ID}/{JAAS_KEY_ID}")
        assert header_of(self.token(provider=provider))["kid"] == f"{JAAS_APP_ID}/{JAAS_KEY_ID}"

    def test_a_key_id_of_another_app_is_refused(self):
        with pytest.raises(ConfigurationError, match="KEY_ID"):
            self.token(provider=self.provider_with(KEY_ID="vpaas-magic-cookie-other/abc"))

    @pytest.mark.parametrize(
        "changes, name", [({"APP_ID": "balie-gent"}, "APP_ID"), ({"ALGORITHM": "HS256"}, "ALGORITHM")]
    )
    def test_check_config_knows_jaas(self, changes, name):
        assert any(f'["{name}"]' in problem for problem in self.provider_with(**changes).check_config())

    def test_check_config_names_what_is_missing(self):
        problems = " ".join(JitsiProvider({"DEPLOYMENT": "jaas"}).check_config())
        for name in ("APP_ID", "KEY_ID", "PRIVATE_KEY"):
            assert f'["{name}"]' in problems


# -- Jitsi: public meet.jit.si --------------------------------------------------------------------


class TestPublicMeetJitSi(JitsiContract):
    options = {"DEPLOYMENT": "public"}
    script_url = "https://meet.jit.si/external_api.js"
    domain = "meet.jit.si"

    @pytest.fixture(autouse=True)
    def debug(self, settings):
        settings.DEBUG = True  # the public deployment is for trying things out

    @PARTICIPANTS
    def test_no_token_and_the_limits_are_shown(self, provider, participant):
        access = provider.room_access(ROOM, participant, not_after=END, now=NOW)
        assert access.jwt is None and not access.is_demo and access.room_name == ROOM
        [notice] = access.notices
        assert isinstance(notice, Promise) and "5 minutes" in str(notice) and "meet.jit.si" in str(notice)

    def test_a_warning_when_debug_is_off(self, provider, settings):
        settings.DEBUG = False
        [problem] = provider.check_config()
        assert isinstance(problem, ConfigWarning) and "DEBUG" in problem

    def test_another_domain_is_ignored_with_a_warning(self):
        provider = JitsiProvider({"DEPLOYMENT": "public", "DOMAIN": "meet.stad.example"})
        assert provider.frame_origins() == ["https://meet.jit.si"]
        [problem] = provider.check_config()
        assert isinstance(problem, ConfigWarning) and '["DOMAIN"]' in problem

    def test_the_token_line_says_there_are_none(self, provider):
        [line] = [line for line in provider.check_status() if "token" in str(line.label).lower()]
        assert line.ok is None


# -- tokens are minted in one place ---------------------------------------------------------------


def test_tokens_are_minted_in_one_place_only():
    """``jwt.encode`` appears once, in jitsi_tokens.py, outside other integration kinds (identity may sign its own)."""
    package = Path(jitsi_tokens.__file__).resolve().parents[2]
    others = package / "integrations"
    minting = [
        path
        for path in package.rglob("*.py")
        if "jwt.encode(" in path.read_text()
        and (not path.is_relative_to(others) or path.is_relative_to(others / "video"))
    ]
    assert minting == [Path(jitsi_tokens.__file__).resolve()]
    assert Path(jitsi_tokens.__file__).read_text().count("jwt.encode(") == 1


def test_mint_token_refuses_an_ended_call_and_the_wildcard_room():
    settings = JitsiProvider(TestSelfHostedHS256.options).token_settings()
    with pytest.raises(VideoError):
        jitsi_tokens.mint_token(settings, ROOM, CITIZEN, NOW - timedelta(seconds=1), now=NOW)
    with pytest.raises(ValueError):
        jitsi_tokens.mint_token(settings, "*", CLERK, END, now=NOW)
    assert APP_SECRET not in repr(settings)


# -- the registry, the values and the errors --------------------------------------------------------


def test_the_registry_refuses_a_second_class_under_a_taken_id():
    class Impostor(DemoVideoProvider):
        pass

    with pytest.raises(ValueError, match="already registered"):
        registry.register("jitsi")(Impostor)
    assert registry.get_class("jitsi") is JitsiProvider
    assert registry.register("demo")(DemoVideoProvider) is DemoVideoProvider


def test_the_registry_refuses_what_is_not_a_video_provider():
    with pytest.raises(TypeError):
        registry.register("not-video")(object)
    assert "not-video" not in registry


def test_a_provider_must_implement_the_contract():
    class Incomplete(VideoProvider):
        def room_access(self, room_name, participant, *, not_after, now=None):
            raise NotImplementedError

        def frame_origins(self):
            return []

    with pytest.raises(TypeError, match="check_status"):
        Incomplete()


def test_the_demo_provider_is_the_default_and_an_unknown_backend_names_the_setting():
    with override_settings(DIGITALE_BALIE={}):
        assert type(get_video_provider()) is DemoVideoProvider
    with (
        override_settings(DIGITALE_BALIE={"VIDEO": {"BACKEND": "zoom"}}),
        pytest.raises(ConfigurationError, match=r'DIGITALE_BALIE\["VIDEO"\]\["BACKEND"\]'),
    ):
        get_video_provider()


def test_the_dotted_path_selects_jitsi_too():
    backend = "digitale_balie_plugin.integrations.video.jitsi.JitsiProvider"
    with override_settings(DIGITALE_BALIE={"VIDEO": {"BACKEND": backend, "OPTIONS": {"DEPLOYMENT": "public"}}}):
        assert isinstance(get_video_provider(), JitsiProvider)


def test_errors_are_integration_errors_with_translated_messages():
    assert issubclass(VideoError, IntegrationError)
    assert isinstance(VideoError.default_message, Promise) and isinstance(VideoError().message, Promise)


def test_participants_are_plain_values():
    participant = Participant(gettext_lazy("Citizen"), "guest", 7)
    assert type(participant.display_name) is str and participant.role is ParticipantRole.GUEST
    assert participant.participant_id == "7" and participant.email == ""
    assert ParticipantRole.MODERATOR.is_moderator and not ParticipantRole.CITIZEN.is_moderator
    with pytest.raises(dataclasses.FrozenInstanceError):
        participant.role = ParticipantRole.MODERATOR
    with pytest.raises(ValueError):
        Participant("An", ParticipantRole.CITIZEN, "")
    with pytest.raises(ValueError):
        Participant("An", "owner", "citizen-1")


def test_a_status_line_defaults_to_no_detail():
    assert StatusLine("Video", None) == StatusLine("Video", None, "")
