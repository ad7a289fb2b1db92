"""A real OpenID Connect provider (oidc-provider on Node.js) for the identity-verification tests.

One provider process per test session, configured like itsme and FAS at once: the metadata each test
registers for its own client decides which one it behaves like (private_key_jwt + encrypted ID token and
UserInfo for itsme, client_secret_basic + signed UserInfo JWT for FAS). Locally the tests skip without
node; under CI=true they fail (``require``).
"""

from collections.abc import Iterator

import pytest

from tests.oidc.harness import Harness, install_node_modules, node_available, node_modules_installed, start_provider

NATIONAL_NUMBER = "http://itsme.services/v2/claim/BENationalNumber"


def _person(sub: str, given: str, family: str, birthdate: str, national_number: str) -> dict:
    # itsme names the national number with a URI claim, FAS calls it egovNRN and uses givenName/surname.
    return {
        "sub": sub,
        "given_name": given,
        "family_name": family,
        "birthdate": birthdate,
        NATIONAL_NUMBER: national_number,
        "egovNRN": national_number,
        "givenName": given,
        "surname": family,
    }


ACCOUNTS = {
    "jan": _person("jan-pairwise-1", "Jan", "Peeters", "1985-04-12", "85041212369"),
    "fatima": _person("fatima-pairwise-2", "Fatima", "El Amrani", "1992-07-31", "92073104635"),
    "lucas": _person("lucas-pairwise-3", "Lucas", "Janssens", "2003-01-15", "03011520130"),
}
SCOPES = ["openid", "profile", "eid", "egovnrn", "service:BALIE_TEST"]
CLAIMS = {
    "profile": ["given_name", "family_name", "birthdate", "givenName", "surname"],
    "eid": [NATIONAL_NUMBER],
    "egovnrn": ["egovNRN"],
}
ACR_VALUES = [
    "http://itsme.services/v2/claim/acr_basic",
    "http://itsme.services/v2/claim/acr_advanced",
    "urn:be:fedict:iam:fas:Level400",
    "urn:be:fedict:iam:fas:Level450",
    "urn:be:fedict:iam:fas:Level500",
    "http://eidas.europa.eu/LoA/substantial",
    "http://eidas.europa.eu/LoA/high",
]


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """The started provider; ``.accounts`` holds the persons above, ``.acr_values`` the levels."""
    from tests.conftest import require  # here, not at the top: tests/conftest.py imports this module

    require(node_available(), "node >= 20 is not installed (Debian: apt-get install nodejs npm)")
    if not node_modules_installed():
        ok, output = install_node_modules()
        require(ok, f"`npm ci` in tests/oidc failed: {output[-2000:]}")
    harness = start_provider(
        tmp_path_factory.mktemp("oidc-provider"),
        accounts=ACCOUNTS,
        scopes=SCOPES,
        claims=CLAIMS,
        acr_values=ACR_VALUES,
    )
    try:
        yield harness
    finally:
        harness.stop()
