"""Build the wheel, install it in a fresh virtualenv, and follow the README on a `wagtail start` site.

The README's install section is applied by extracting its code blocks (each names its file on its first line),
so the README and the code cannot drift: a block that does not work fails this test. Then, as people would: an
editor makes a service, a seat and a counter page, a citizen books without JavaScript, the groups command
gives a clerk their role, the city's own pages keep their CSP; and the booking-only block switches the rest off.
"""

import os
import re
import subprocess
import sys
import textwrap
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
BOOKING_ONLY = "(booking and video only)"
TWO_LANGUAGES = "(two languages)"
#: wagtail start's catch-all, which the README's two-language urls.py block replaces.
WAGTAIL_CATCH_ALL = re.compile(r"\nurlpatterns = urlpatterns \+ \[.*?include\(wagtail_urls\).*?\n\]\n", re.S)

SMOKE = """
import re
from zoneinfo import ZoneInfo
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from wagtail.models import Page, Site
from digitale_balie_plugin.cms.models import DigitalCounterPage
from digitale_balie_plugin.cms.roles import CLERKS
from digitale_balie_plugin.models import Appointment, AvailabilityRule, CounterSeat, Service
from home.models import HomePage, ServicePage

# An editor: a service, a seat open every day, the counter page, and a booking block on the city's own page type.
site = Site.objects.get(is_default_site=True)
home = site.root_page
counter = home.add_child(instance=DigitalCounterPage(title="Digitale balie", slug="digitale-balie"))
service = Service.objects.create(site=site, name="Parkeervergunning", slug="parkeervergunning", min_lead_hours=0)
seat = CounterSeat.objects.create(site=site, name="Loket 1")
seat.services.add(service)
for day in range(7):
    AvailabilityRule.objects.create(seat=seat, weekday=day, start_time="00:00", end_time="23:55")
own = home.add_child(instance=ServicePage(title="Parkeren", slug="parkeren", body=[
    ("appointment_booking", {"heading": "Maak een afspraak", "intro": "", "services": []}),
    ("text", "<p>Alles over parkeren.</p>")]))

client = Client()
html = client.get("/parkeren/", HTTP_HOST="localhost").content.decode()
assert "Maak een afspraak" in html and "Parkeervergunning" in html and "Alles over parkeren" in html, html

# A citizen books without JavaScript: choose a time (a plain GET form), the details and the check (plain POSTs).
book = "/digitale-balie/book/parkeervergunning/"
choose = client.get(book, HTTP_HOST="localhost")
assert choose.status_code == 200 and "unsafe-inline" not in choose["Content-Security-Policy"]
slot = re.search(r'name="slot" value="([^"]+)"', choose.content.decode()).group(1)
details = {"slot": slot, "channel": "video", "name": "An Peeters", "email": "an@example.be", "phone": "",
           "language": "nl", "question": "Een bewonerskaart."}
# A person takes more than the minimum fill time (BOOKING_MIN_FILL_SECONDS): the form was shown 10 s ago.
import time
from digitale_balie_plugin.booking.forms import BotCheckForm
details["started"] = BotCheckForm.sign(time.time() - 10)
checking = client.post(book + "details/", details, HTTP_HOST="localhost")
assert checking.status_code == 303, checking.content.decode()[-2000:]
check = client.get(checking["Location"], HTTP_HOST="localhost").content.decode()
key = re.search(r'name="key" value="([^"]+)"', check).group(1)  # "check your details", then book
booked = client.post(checking["Location"], {"key": key}, HTTP_HOST="localhost")
assert booked.status_code == 303, booked.content.decode()[-2000:]
appointment = Appointment.objects.get()
confirmation = client.get(booked["Location"], HTTP_HOST="localhost").content.decode()
# One zone (the README's TIME_ZONE): the citizen reads the hour the clerk will see.
assert appointment.start.astimezone(ZoneInfo("Europe/Brussels")).strftime("%H:%M") in confirmation

# The city's own page keeps its own policy (none here); the counter page has the package's.
assert "Content-Security-Policy" not in client.get("/", HTTP_HOST="localhost")
assert "frame-src 'none'" in client.get("/digitale-balie/", HTTP_HOST="localhost")["Content-Security-Policy"]

# A clerk gets the role from the groups command and sees the seat's queue with the booked citizen.
call_command("balie_staff_groups", "--all-seats")
with translation.override("nl"):
    clerks = Group.objects.get(name=str(CLERKS.name))
user = User.objects.create_user("sofie", password="pw", is_active=True)
user.groups.add(clerks)
desk = Client()
desk.force_login(user)
seats = desk.get("/admin/digitale-balie/counter/", HTTP_HOST="localhost", follow=True)
assert seats.status_code == 200 and "Loket 1" in seats.content.decode(), seats.content.decode()[-2000:]
console = desk.get(f"/admin/digitale-balie/counter/{seat.pk}/", HTTP_HOST="localhost")
assert console.status_code == 200

# A second locale: the editor translates the pages and the service; French citizens read French under /fr/.
from wagtail.models import Locale
french = Locale.objects.get_or_create(language_code="fr")[0]
for page in (home, counter, own):
    page.specific.copy_for_translation(french).save_revision().publish()
words = service.copy_for_translation(french)
words.name = "Permis de stationnement"
words.save()
html = client.get("/fr/parkeren/", HTTP_HOST="localhost").content.decode()
assert "Permis de stationnement" in html and "Parkeervergunning" not in html, html[-3000:]
assert 'href="/fr/digitale-balie/book/parkeervergunning/"' in html, html[-3000:]
assert "Parkeervergunning" in client.get("/parkeren/", HTTP_HOST="localhost").content.decode()
print("SMOKE OK")
"""

BOOKING_ONLY_SMOKE = """
from django.test import Client
from digitale_balie_plugin.actions.registry import action_types
from home.models import BodyBlock
offered = {block.name for block in BodyBlock().ordered_child_blocks()}
assert "payment" not in offered and "identity_verification" not in offered and "appointment_booking" in offered
assert set(action_types()) == {"share_message"}, action_types()
client = Client()
assert client.get("/digitale-balie/identity/jwks.json", HTTP_HOST="localhost").status_code == 404
assert client.get("/digitale-balie/book/parkeervergunning/", HTTP_HOST="localhost").status_code == 200
print("BOOKING ONLY OK")
"""


def install_section() -> str:
    text = (ROOT / "README.md").read_text()
    return text.split("## Install into your Wagtail site", 1)[1].split("\n## ", 1)[0]


def readme_blocks():
    """(target file, code) per Python/HTML block, and the shell commands, from the README's install section."""
    files, commands = [], []
    for lang, code in re.findall(r"```(\w*)\n(.*?)```", install_section(), flags=re.S):
        code = textwrap.dedent(code)
        if lang == "":
            commands += [line.strip() for line in code.splitlines() if line.strip()]
            continue
        first, _, body = code.partition("\n")
        target = re.sub(r"^(#|\{#)\s*|\s*#\}$", "", first).strip()
        files.append((target, body))
    return files, commands


def run(args, cwd, **env_overrides):
    """Run as a user would: none of this test process's Django settings or virtualenv leak in."""
    env = {
        key: value
        for key, value in os.environ.items()
        # nothing of this test process: its settings, its virtualenv, the browser tests' async flag
        if key not in {"DJANGO_SETTINGS_MODULE", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(env_overrides)
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout + result.stderr


def apply(site_dir: Path, target: str, code: str) -> None:
    path = site_dir / target.split(" (", 1)[0]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text() if path.exists() else ""
    if TWO_LANGUAGES in target and path.name == "urls.py":  # it replaces wagtail start's catch-all
        text, replaced = WAGTAIL_CATCH_ALL.subn("\n", text)
        assert replaced == 1, text
    path.write_text((text + "\n\n" if text else "") + code)


def test_wheel_contents_metadata_and_a_fresh_wagtail_site_by_the_readme(tmp_path):
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)], cwd=ROOT)
    [wheel] = (tmp_path / "dist").glob("digitale_balie_plugin-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    for expected in [
        "digitale_balie_plugin/templates/digitale_balie/citizen/choose_slot.html",
        "digitale_balie_plugin/static/digitale_balie/css/balie.css",
        "digitale_balie_plugin/locale/nl/LC_MESSAGES/django.mo",
        "digitale_balie_plugin/locale/fr/LC_MESSAGES/django.mo",
        "digitale_balie_plugin/migrations/0001_initial.py",
    ]:
        assert expected in names, expected
    assert not any(name.startswith(("tests/", "example_site/")) for name in names)
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names), "the LICENSE is in the wheel"
    [metadata_name] = [name for name in names if name.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(archive.read(metadata_name).decode())
    assert metadata["License-Expression"] == "BSD-3-Clause" or metadata["License"] == "BSD-3-Clause"
    assert any(url.startswith("Source, ") for url in metadata.get_all("Project-URL"))
    description = metadata.get_payload()
    assert description.lstrip().startswith("# Digitale Balie")
    assert description.index("## Install into your Wagtail site") < description.index("make demo")
    requires = " ".join(metadata.get_all("Requires-Dist"))
    assert "pyhanko" in requires.lower() and 'extra == "signing"' in requires
    assert "openpyxl" not in requires  # never imported

    files, commands = readme_blocks()
    assert commands[:2] == ["pip install digitale-balie-plugin", 'pip install "digitale-balie-plugin[all]"']
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = str(venv / "bin" / "python")
    for command in commands:  # every pip install of the README, with the wheel standing in for the index
        if command.startswith("pip install"):
            extras = re.search(r"\[([\w,]+)\]", command)
            run(
                [python, "-m", "pip", "install", "--quiet", f"{wheel}[{extras.group(1)}]" if extras else str(wheel)],
                cwd=tmp_path,
            )
    run([str(venv / "bin" / "wagtail"), "start", "mysite"], cwd=tmp_path)
    site_dir = tmp_path / "mysite"

    booking_only = [(target, code) for target, code in files if BOOKING_ONLY in target]
    assert len(booking_only) == 1
    for target, code in files:
        if BOOKING_ONLY not in target:
            apply(site_dir, target, code)
    for command in commands:
        if command.startswith("python manage.py") and "qcluster" not in command:
            run([python, *command.split()[1:]], cwd=site_dir)
    output = run([python, "manage.py", "check"], cwd=site_dir)
    assert "digitale_balie." not in output, output  # no error, no warning of the package on the README's site
    output = run([python, "manage.py", "shell", "-c", SMOKE], cwd=site_dir)
    assert "SMOKE OK" in output, output

    # The README's production block: every package check passes under --deploy (Django's own deploy warnings
    # about HTTPS are the city's business, and the demo providers are the subject of the next block).
    (site_dir / "mysite" / "settings" / "local.py").write_text(
        'SECRET_KEY = "a-long-random-production-key-for-this-test-only-0123456789abcdef"\nALLOWED_HOSTS = ["*"]\n'
    )
    production = {"DJANGO_SETTINGS_MODULE": "mysite.settings.production"}
    output = run([python, "manage.py", "check", "--deploy"], cwd=site_dir, **production)
    assert "digitale_balie.E" not in output, output

    # Booking and video only: the README's block switches the rest off; no package warning even under --deploy
    # but the two demo providers the core still uses (SMS, video) until real ones are configured.
    apply(site_dir, *booking_only[0])
    output = run([python, "manage.py", "shell", "-c", BOOKING_ONLY_SMOKE], cwd=site_dir)
    assert "BOOKING ONLY OK" in output, output
    output = run([python, "manage.py", "check", "--deploy"], cwd=site_dir, **production)
    package_lines = [line for line in output.splitlines() if "digitale_balie." in line]
    assert all("SMS" in line or "VIDEO" in line for line in package_lines), package_lines
