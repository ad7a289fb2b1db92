"""The example production settings: JSON log lines with the request id, and the probes over plain HTTP."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.checks.test_checks import production_env

CODE = """
import logging
from django.test import Client
from digitale_balie_plugin import request_id
token = request_id._current.set("0f6c2b9e4d1a47c8b3e5a9d2c7f10e64")
logging.getLogger("digitale_balie.crm").warning("The CRM refused case record %s.", 7)
request_id._current.reset(token)
probe = Client().get("/digitale-balie/health/live", HTTP_HOST="10.0.3.7:8000")
print("probe", probe.status_code, probe.content.decode())
"""


@pytest.mark.slow
def test_json_logs_and_the_liveness_probe_under_the_production_settings():
    env = {**production_env(), "BALIE_LOG_FORMAT": "json", "BALIE_METRICS_TOKEN": "t" * 43}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CODE], env=env, capture_output=True, text=True, timeout=120
    )
    assert 'probe 200 {"status": "ok"}' in result.stdout, result.stdout + result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    crm = next(line for line in lines if line["logger"] == "digitale_balie.crm")
    assert crm["message"] == "The CRM refused case record 7."
    assert crm["request_id"] == "0f6c2b9e4d1a47c8b3e5a9d2c7f10e64"
    assert crm["level"] == "WARNING" and crm["time"]
