"""While PostgreSQL or Redis is away, citizens read "try again in a minute" (503) in their language, scripts get
JSON they keep polling through, and the page itself needs neither the database nor the cache."""

import logging
import re

import boto3
import pytest
from botocore.config import Config
from django.db import OperationalError
from django.test import RequestFactory
from django.utils import translation
from redis.exceptions import ConnectionError as RedisConnectionError

from digitale_balie_plugin.calls.access import cookie_name
from digitale_balie_plugin.errors import server_error
from digitale_balie_plugin.outages import RETRY_AFTER, outage_of
from tests.resilience.away import closed_port

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.resilience.urls")]

TITLE = "The digital counter cannot be reached for a moment"


def title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("path", "language"), [("/away/", "nl"), ("/fr/away/", "fr"), ("/en/away/", "en")])
def test_the_database_away_gives_the_friendly_page_in_the_language_of_the_url(browser, path, language):
    response = browser.get(path)
    assert_unavailable(response)
    html = response.content.decode()
    assert f'<html lang="{language}">' in html and html.count("<h1>") == 1
    with translation.override(language):
        assert title(html) == translation.gettext(TITLE)
    assert "digitale_balie/css/balie.css" in html and "<script" not in html and "style=" not in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_the_page_is_logged_once_with_the_error_class_and_no_path(browser, caplog):
    with caplog.at_level(logging.WARNING):
        browser.get("/fr/away/")
    lines = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(lines) == 1, lines
    assert "django.db.utils.OperationalError" in lines[0] and "/fr/away/" not in lines[0]


def test_scripts_get_json_they_can_keep_polling_through(browser):
    response = browser.get("/digitale-balie/live/away/", headers={"X-Balie-Language": "fr"})
    assert_unavailable(response)
    answer = response.json()
    assert answer["error"] == "unavailable" and answer["messages"][0]["level"] == "error"
    response = browser.get("/away/", headers={"Accept": "application/json"})
    assert_unavailable(response)
    assert response["Content-Type"] == "application/json"


def test_a_bug_still_gets_the_sites_500_page(browser):
    response = browser.get("/digitale-balie/broken/")
    assert response.status_code == 500 and "Er ging iets mis" in response.content.decode()
    assert "Retry-After" not in response


def test_an_error_in_a_middleware_is_covered_too(browser, cache_away_raising):
    """The live poll middleware asks the cache before any view runs: with Redis away (and its errors not
    ignored) the error is raised in the middleware, where no ``process_exception`` would see it."""
    browser.cookies[cookie_name(1)] = "a-room-cookie"
    response = browser.get("/digitale-balie/live/room/1/", headers={"If-None-Match": '"x"'})
    assert_unavailable(response)
    assert response.json()["error"] == "unavailable"


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_rendering_the_page_needs_no_database_and_no_cache(cache_away_raising, django_assert_num_queries, language):
    request = RequestFactory().get(f"/{language}/iets/" if language != "nl" else "/iets/")
    try:
        raise RedisConnectionError("Connection refused")
    except RedisConnectionError:
        with django_assert_num_queries(0):
            response = server_error(request)  # the cache raises if touched: Redis is away
    assert_unavailable(response)
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_page_follows_a_database_error_wrapped_in_another(django_assert_num_queries):
    request = RequestFactory().get("/")
    try:
        try:
            raise OperationalError("the server closed the connection")
        except OperationalError as exc:
            raise RuntimeError("a template tag gave up") from exc
    except RuntimeError:
        response = server_error(request)
    assert_unavailable(response)


def test_an_object_store_that_is_away_is_an_outage_too():
    """The S3-compatible store on a closed port: boto3's real error (no retries, so at once)."""
    store = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{closed_port()}",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}, connect_timeout=1),
    )
    with pytest.raises(Exception) as raised:
        store.get_object(Bucket="documents", Key="a.pdf")
    assert outage_of(raised.value) is raised.value
    assert outage_of(ValueError("a bug")) is None
