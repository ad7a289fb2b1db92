"""Settings, system checks, the registry and the production settings."""

import json
import os
import re
import subprocess
import sys

import pytest
from django.core import checks
from django.test import override_settings

from digitale_balie_plugin.conf import app_settings
from digitale_balie_plugin.exceptions import ConfigurationError
from digitale_balie_plugin.integrations.sms.registry import get_sms_provider, registry
from tests.conftest import require


def run_checks(**kwargs):
    return {message.id for message in checks.run_checks(**kwargs) if message.id.startswith("digitale_balie")}


def test_settings_are_read_lazily():
    with override_settings(TIME_ZONE="Europe/Amsterdam", DIGITALE_BALIE={"SLOT_QUANTUM_MINUTES": 10}):
        assert str(app_settings.TIME_ZONE) == "Europe/Amsterdam" and app_settings.SLOT_QUANTUM_MINUTES == 10
    assert str(app_settings.TIME_ZONE) == "Europe/Brussels"


def test_one_time_zone_for_citizens_and_clerks():
    """``wagtail start`` leaves TIME_ZONE at UTC; 0.1's own zone then showed the citizen 19:40 and the clerk
    20:40. Now the package reads Django's TIME_ZONE only, and refuses a disagreeing package zone."""
    with override_settings(TIME_ZONE="UTC", DIGITALE_BALIE={"TIME_ZONE": "Europe/Brussels"}):
        assert str(app_settings.TIME_ZONE) == "UTC"  # never the package's own setting
        found = run_checks()
        assert {"digitale_balie.E011", "digitale_balie.W003"} <= found
    with override_settings(TIME_ZONE="Europe/Brussels", DIGITALE_BALIE={"TIME_ZONE": "Europe/Brussels"}):
        assert not {"digitale_balie.E011", "digitale_balie.W003"} & run_checks()
    with override_settings(TIME_ZONE="Europe/Brussels", DIGITALE_BALIE={}):
        assert not {"digitale_balie.E011", "digitale_balie.W003"} & run_checks()


def test_checks_warn_about_demo_providers_without_debug_and_bad_quantum():
    with override_settings(DEBUG=False):
        assert "digitale_balie.W001" in run_checks()
    with override_settings(DEBUG=True):
        assert "digitale_balie.W001" not in run_checks()
    with override_settings(DIGITALE_BALIE={"SLOT_QUANTUM_MINUTES": 7}):
        assert "digitale_balie.E002" in run_checks()
    with override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": "nope"}}):
        assert "digitale_balie.E003" in run_checks()


def test_registry_resolves_ids_and_dotted_paths_and_names_the_setting():
    with override_settings(
        DIGITALE_BALIE={"SMS": {"BACKEND": "digitale_balie_plugin.integrations.sms.demo.DemoSmsProvider"}}
    ):
        assert get_sms_provider().identifier == "demo"
    missing = override_settings(DIGITALE_BALIE={"SMS": {"BACKEND": "missing.module.Provider"}})
    with missing, pytest.raises(ConfigurationError, match=r'DIGITALE_BALIE\["SMS"\]\["BACKEND"\]'):
        get_sms_provider()
    with pytest.raises(ValueError, match="already registered"):
        registry.register("demo")(type("Other", (registry.base,), {"send": None, "parse_delivery_report": None}))


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
    "DJANGO_SECRET_KEY": "a-very-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "balie.gent.example",
    "POSTGRES_DB": "balie",
    "POSTGRES_USER": "balie",
    "POSTGRES_PASSWORD": "secret",
    "POSTGRES_HOST": "127.0.0.1",
    "REDIS_URL": os.environ.get("BALIE_TEST_REDIS", "redis://127.0.0.1:6379/0"),
    "EMAIL_HOST": "smtp.example",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "x" * 32,
    "TWILIO_FROM": "+3225550000",
    "JITSI_DOMAIN": "meet.stad.example",
    "JITSI_APP_ID": "digitale-balie",
    "JITSI_APP_SECRET": "j" * 48,
    "BALIE_IDENTITY_HASH_KEY": "h" * 48,
    "ITSME_CLIENT_ID": "stad-gent",
    "ITSME_SERVICE_CODE": "GENT_BALIE",
    "FAS_CLIENT_ID": "gent-balie",
    "FAS_CLIENT_SECRET": "f" * 40,
    "MOLLIE_API_KEY": "live_" + "m" * 30,
    "BALIE_DOCUMENTS_ROOT": "/srv/balie/documents",
    "BALIE_CRM_URL": "https://crm.gent.example/hooks/balie",
    "BALIE_CRM_SECRET": "c" * 48,
}


def production_env():
    """The production environment only: nothing of the test process (e.g. Playwright's async flag)."""
    from digitale_balie_plugin.management.commands.balie_generate_jwks import generate_private_jwks

    PRODUCTION_ENV.setdefault("ITSME_PRIVATE_JWKS", json.dumps(generate_private_jwks(2048)))
    if "BALIE_SIGNING_PKCS12" not in PRODUCTION_ENV:  # the municipality's seal certificate (a test one here)
        import tempfile
        from pathlib import Path

        from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain

        path = Path(tempfile.mkdtemp(prefix="balie-seal-")) / "seal.p12"
        make_demo_chain(path, "seal-passphrase")
        PRODUCTION_ENV.update({"BALIE_SIGNING_PKCS12": str(path), "BALIE_SIGNING_PASSPHRASE": "seal-passphrase"})
    inherited = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "BALIE_"))}
    return {**inherited, **PRODUCTION_ENV}


def check_deploy(env):
    """``manage.py check --deploy`` under the example's production settings, warnings counting as failures."""
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_production_settings_pass_check_deploy_without_warnings():
    result = check_deploy(production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_a_booking_only_production_passes_check_deploy_without_warnings():
    """Booking and video only: none of the other features' variables set, no demo provider or extra asked for."""
    optional = ("MOLLIE_", "ITSME_", "FAS_", "BALIE_DOCUMENTS", "BALIE_CRM", "BALIE_SIGNING", "BALIE_IDENTITY")
    env = {key: value for key, value in production_env().items() if not key.startswith(optional)}
    env["BALIE_FEATURES"] = ""
    result = check_deploy(env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def staging_env(tmp_path):
    """Production settings with every provider that cannot be reached offline switched to its demo, documents on
    a bucket and the certificate and keys as text: the lead's several-server profile (docs/operator.md)."""
    import base64

    from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
    from digitale_balie_plugin.integrations.signing.demo import DEMO_PASSPHRASE
    from digitale_balie_plugin.management.commands.balie_generate_jwks import generate_private_jwks

    make_demo_chain(tmp_path / "demo.p12", DEMO_PASSPHRASE)
    real = ("MOLLIE_", "TWILIO_", "JITSI_", "ITSME_", "FAS_", "BALIE_DOCUMENTS_ROOT", "BALIE_SIGNING", "BALIE_CRM")
    env = {key: value for key, value in production_env().items() if not key.startswith(real)}
    return env | {
        "BALIE_S3_BUCKET": "balie-documents",
        "BALIE_S3_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing is fetched by the checks
        "BALIE_S3_ADDRESSING_STYLE": "path",
        "BALIE_S3_ACCESS_KEY_ID": "key",
        "BALIE_S3_SECRET_ACCESS_KEY": "secret",
        **{f"BALIE_{kind}_BACKEND": "demo" for kind in ("SMS", "VIDEO", "PAYMENTS", "SIGNING", "CRM", "ANTIVIRUS")},
        "BALIE_SIGNING_PKCS12_BASE64": base64.b64encode((tmp_path / "demo.p12").read_bytes()).decode(),
        "BALIE_IDENTITY_BACKENDS": "demo",
        "BALIE_DEMO_IDP_SIGNING_JWKS": json.dumps(generate_private_jwks(2048, "RSA-OAEP")),
        "BALIE_DEMO_IDP_CLIENT_JWKS": json.dumps(generate_private_jwks(2048, "RSA-OAEP")),
    }


@pytest.mark.slow
def test_a_staging_profile_of_demo_providers_and_a_bucket_warns_about_the_demos_only(tmp_path):
    env = staging_env(tmp_path)
    result = check_deploy(env)
    found = set(re.findall(r"\((\w+\.[EW]\d+)\)", result.stdout + result.stderr))
    assert found == {"digitale_balie.W001", "demo_idp.W001"}, result.stdout + result.stderr
    code = (
        "from django.conf import settings as s; from django.core.files.storage import storages; "
        "d = storages['digitale_balie_documents']; "
        "print(type(d).__name__, d.default_acl, d.file_overwrite, d.addressing_style, d.bucket_name); "
        "kinds = ('SMS', 'VIDEO', 'PAYMENTS', 'SIGNING', 'CRM', 'ANTIVIRUS'); "
        "print(sorted({s.DIGITALE_BALIE[k]['BACKEND'] for k in kinds})); "
        "print('DOCUMENTS_ROOT' in s.DIGITALE_BALIE, s.DEMO_IDP.get('SIGNING_KEY_FILE'), "
        "s.SOCIAL_AUTH_AUTHENTICATION_BACKENDS)"
    )
    shell = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    lines = shell.stdout.splitlines()[-3:]  # after Django's "objects imported automatically"
    assert lines[0] == "S3Storage private False path balie-documents", shell.stdout + shell.stderr
    assert lines[1] == "['demo']"
    assert lines[2] == "False None ['digitale_balie_plugin.integrations.identity.demo.DemoIdentityBackend']"


@pytest.mark.slow
def test_production_cache_and_broker_talk_to_redis():
    redis_url = PRODUCTION_ENV["REDIS_URL"]
    import redis

    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=2).ping()
        reachable = True
    except redis.RedisError:
        reachable = False
    require(reachable, f"Redis is not reachable at {redis_url}")
    code = (
        "from django.core.cache import cache; cache.set('balie-ci', 'ok', 10); "
        "assert cache.get('balie-ci') == 'ok'; from django_q.brokers import get_broker; "
        "assert get_broker().ping(); print('redis ok')"
    )
    env = production_env()
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert "redis ok" in result.stdout, result.stderr


def test_models_and_migrations_agree(db):
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # exits non-zero on a missing migration


ITSME_BACKEND = "digitale_balie_plugin.integrations.identity.itsme.ItsmeBackend"


def test_identity_checks_name_what_is_missing_and_refuse_login_backends(settings):
    from digitale_balie_plugin.checks import check_identity

    settings.SOCIAL_AUTH_AUTHENTICATION_BACKENDS = [ITSME_BACKEND]
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", ITSME_BACKEND]
    settings.DIGITALE_BALIE = {}
    found = {(message.id, message.msg) for message in check_identity(None)}
    ids = {message_id for message_id, _ in found}
    assert {"digitale_balie.E006", "digitale_balie.E008", "digitale_balie.E009"} <= ids
    texts = " ".join(text for _, text in found)
    assert "SOCIAL_AUTH_BALIE_ITSME_KEY" in texts and "SOCIAL_AUTH_BALIE_ITSME_PRIVATE_JWKS" in texts
    assert "SOCIAL_AUTH_BALIE_ITSME_SERVICE_CODE" in texts


def test_client_address_and_walk_in_settings_refuse_nonsense(settings):
    """A typo must not lift the rate limits or key them on the wrong address: E014 names the setting."""
    base = settings.DIGITALE_BALIE
    for key, value in [
        ("TRUSTED_PROXY_COUNT", -1),
        ("TRUSTED_PROXY_COUNT", "one"),
        ("TRUSTED_PROXY_COUNT", 1.5),
        ("TRUSTED_PROXY_COUNT", True),
        ("TRUSTED_PROXY_HEADER", "X-Forwarded-For"),
        ("WALK_IN_QUEUE_LIMIT", 0),
        ("WALK_IN_RATE_LIMIT", (5,)),
        ("WALK_IN_RATE_LIMIT", (0, 3600)),
    ]:
        settings.DIGITALE_BALIE = {**base, key: value}
        found = [message for message in checks.run_checks() if message.id == "digitale_balie.E014"]
        assert len(found) == 1 and key in found[0].msg, (key, value)
    settings.DIGITALE_BALIE = {**base, "TRUSTED_PROXY_COUNT": "2", "TRUSTED_PROXY_HEADER": "HTTP_X_REAL_IP"}
    assert (app_settings.TRUSTED_PROXY_COUNT, app_settings.TRUSTED_PROXY_HEADER) == (2, "HTTP_X_REAL_IP")
    assert not {"digitale_balie.E014", "digitale_balie.W004"} & run_checks()


def test_a_proxy_without_a_trusted_hop_count_is_warned_about(settings):
    """Every citizen behind the proxy would share one limit (the proxy's address)."""
    settings.DEBUG = False
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "TRUSTED_PROXY_HEADER": "HTTP_X_FORWARDED_FOR"}
    assert "digitale_balie.W004" in run_checks()
    settings.DIGITALE_BALIE = {key: value for key, value in settings.DIGITALE_BALIE.items() if "PROXY" not in key}
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert "digitale_balie.W004" in run_checks()
    settings.DIGITALE_BALIE = {**settings.DIGITALE_BALIE, "TRUSTED_PROXY_COUNT": 1}
    assert "digitale_balie.W004" not in run_checks()
