"""The python-social-auth pipeline of a verification: read, check, store, show the result.

It replaces the login pipeline entirely (see ``VerificationBackend.do_auth``): there is no user,
no social association, no login. Each step receives the backend, which has validated the ID token
(signature, issuer, audience, nonce, expiry, at_hash) and UserInfo before the pipeline runs.
"""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpResponseRedirect

from digitale_balie_plugin.identity import national_number, service
from digitale_balie_plugin.integrations.identity.base import FailedCheck, MissingClaims
from digitale_balie_plugin.links import counter_page_for, route_url
from digitale_balie_plugin.models import FailureReason
from digitale_balie_plugin.models.choices import level_at_least


class VerificationFailed(Exception):
    """Raised by a step; the complete view turns it into a failed request and the result page.

    ``check`` names the check that failed (:class:`FailedCheck`), for the audit log."""

    def __init__(self, reason: str, detail: str = "", identity=None, *, check: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.identity = identity
        self.check = check


def _verification(backend):
    context = backend.verification_context()
    verification = service.verification_for(context.get("action"))
    if verification is None:
        raise VerificationFailed(FailureReason.SESSION_LOST, "no request bound to this login", check=FailedCheck.STATE)
    return verification


def read_identity(backend, response, *args, **kwargs):
    """The provider reports claims; the domain checks the national number and fills a missing birth date
    from it (FAS sends none)."""
    try:
        reported = backend.verified_identity(response)
    except MissingClaims as exc:
        raise VerificationFailed(
            FailureReason.MISSING_DATA, "no name or number in the answer", check=FailedCheck.CLAIMS
        ) from exc
    number = national_number.normalise(reported.national_number)
    if number and not national_number.is_valid(number):
        raise VerificationFailed(
            FailureReason.INVALID_RESPONSE, "invalid national number", reported, check=FailedCheck.NATIONAL_NUMBER
        )
    identity = replace(
        reported, national_number=number, birth_date=reported.birth_date or national_number.birth_date(number)
    )
    return {"identity": identity, "verification": _verification(backend)}


def check_level(backend, identity, verification, *args, **kwargs):
    """Never trust that the provider honoured ``acr_values``: check what it says it did."""
    if not identity.level or not level_at_least(identity.level, verification.required_level):
        detail = f"acr {identity.acr!r}"
        raise VerificationFailed(FailureReason.LEVEL_TOO_LOW, detail, identity, check=FailedCheck.LEVEL)
    return None


def store_result(backend, identity, verification, *args, **kwargs):
    service.complete(verification, identity)
    return HttpResponseRedirect(result_url(backend.strategy.request, verification))


def result_url(request, verification) -> str:
    """The result page on the counter page of the request's site (relative: same host, same cookies)."""

    page = counter_page_for(verification.action.session.site)
    return route_url(request, page, "verify_result", verification.action_id)


#: The steps ``AppConfig.ready()`` hands to ``VerificationBackend.use_pipeline``.
VERIFICATION_PIPELINE = tuple(f"{__name__}.{step.__name__}" for step in (read_identity, check_level, store_result))
