"""Build the wheel, install it in a fresh virtualenv, and follow the README on a `wagtail start` site."""

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SMOKE = """
from django.test import Client
from wagtail.models import Page, Site
from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.models import Service, CounterSeat, AvailabilityRule
site = Site.objects.get(is_default_site=True)
home = site.root_page
page = home.add_child(instance=DigitalCounterPage(title="Digitale balie", slug="digitale-balie", body=[
    ("appointment_booking", {"heading": "Afspraak", "intro": "", "services": []})]))
service = Service.objects.create(site=site, name="Parkeervergunning", slug="parkeervergunning", min_lead_hours=0)
seat = CounterSeat.objects.create(site=site, name="Loket 1")
seat.services.add(service)
for day in range(7):
    AvailabilityRule.objects.create(seat=seat, weekday=day, start_time="09:00", end_time="17:00")
client = Client()
html = client.get("/digitale-balie/", HTTP_HOST="localhost").content.decode()
assert "Parkeervergunning" in html, html
booking = client.get("/digitale-balie/book/parkeervergunning/", HTTP_HOST="localhost")
assert booking.status_code == 200 and 'name="slot"' in booking.content.decode()
assert "unsafe-inline" not in booking["Content-Security-Policy"]
client.cookies["django_language"] = "fr"
french = client.get("/digitale-balie/book/parkeervergunning/", HTTP_HOST="localhost").content.decode()
assert "Choisissez une heure" in french
print("SMOKE OK")
"""


def readme_install_steps():
    text = (ROOT / "README.md").read_text()
    section = text.split("## Install into your Wagtail site", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(\w*)\n(.*?)```", section, flags=re.S)
    python_blocks = [dedent(code) for lang, code in blocks if lang == "python"]
    commands = [
        line.strip() for lang, code in blocks if lang == "" for line in dedent(code).splitlines() if line.strip()
    ]
    return python_blocks, commands


def dedent(code):
    import textwrap

    return textwrap.dedent(code)


def run(args, cwd):
    """Run as a user would: none of this test process's Django settings or virtualenv leak in."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
    }
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_wheel_contents_and_a_fresh_wagtail_site(tmp_path):
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)], cwd=ROOT)
    [wheel] = (tmp_path / "dist").glob("digitale_balie_plugin-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for expected in [
        "digitale_balie_plugin/templates/digitale_balie/citizen/choose_slot.html",
        "digitale_balie_plugin/static/digitale_balie/css/balie.css",
        "digitale_balie_plugin/locale/nl/LC_MESSAGES/django.mo",
        "digitale_balie_plugin/locale/fr/LC_MESSAGES/django.mo",
        "digitale_balie_plugin/migrations/0001_initial.py",
    ]:
        assert expected in names, expected
    assert not any(name.startswith(("tests/", "example_site/")) for name in names)

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = str(venv / "bin" / "python")
    python_blocks, commands = readme_install_steps()
    assert commands[0] == "pip install digitale-balie-plugin"
    run([python, "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)
    run([str(venv / "bin" / "wagtail"), "start", "mysite"], cwd=tmp_path)
    site_dir = tmp_path / "mysite"
    settings_file, urls_file = site_dir / "mysite" / "settings" / "base.py", site_dir / "mysite" / "urls.py"
    apps, urls, settings = python_blocks
    settings_file.write_text(settings_file.read_text() + "\n" + apps + "\n" + settings)
    urls_file.write_text(urls_file.read_text() + "\n" + urls)

    for command in commands[1:]:
        if command.startswith("python manage.py") and "qcluster" not in command:
            run([python, *command.split()[1:]], cwd=site_dir)
    run([python, "manage.py", "check"], cwd=site_dir)
    output = run([python, "manage.py", "shell", "-c", SMOKE], cwd=site_dir)
    assert "SMOKE OK" in output
