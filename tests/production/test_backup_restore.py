"""The backup and restore of docs/operator.md ("Backups"), once for real: dump, drop, restore, and a citizen's
manage link from before the backup still opens their appointment."""

import re
import subprocess

import pytest

from tests.production.conftest import HOST
from tests.production.services import wait_for
from tests.production.test_two_servers import book, link, links_in
from tests.production.visitor import Visitor

pytestmark = pytest.mark.postgres


def test_dump_drop_restore_and_the_manage_link_still_works(profile):
    citizen = Visitor(profile.servers, HOST)
    email = "back-up@example.be"
    confirmation = citizen.get(book(citizen, email)[0], server=0)
    reference = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", confirmation.text)
    [mail] = wait_for(lambda: profile.smtp.to(email), 60, "the confirmation mail")
    manage = link(links_in(mail), "manage")
    before = Visitor(profile.servers, HOST).get(manage, server=1)
    assert before.status_code == 200

    postgres = profile.postgres
    backups = profile.workdir / "backups"
    backups.mkdir(mode=0o777)
    backups.chmod(0o777)  # written by PostgreSQL's own user
    dump = backups / "balie.dump"
    # The documented backup: a custom-format dump, consistent while everything runs.
    subprocess.run(postgres.client("pg_dump", "--format=custom", "-f", str(dump), postgres.database), check=True)
    # Disaster: the database is gone.
    for process in profile.servers + profile.clusters:
        process.stop()
    postgres.psql(f"DROP DATABASE {postgres.database} WITH (FORCE)")
    postgres.psql(f"CREATE DATABASE {postgres.database} OWNER {postgres.user}")
    # The documented restore, as the owner role, then the app again.
    restore = ("--no-owner", "--exit-on-error", "-d", postgres.database, str(dump))
    subprocess.run(postgres.client("pg_restore", *restore, user=postgres.user), check=True)
    profile.manage("migrate", "--check")  # nothing left to migrate: the schema came back whole
    for process in profile.servers + profile.clusters:
        process.start()

    after = Visitor(profile.servers, HOST).get(manage, server=0)
    assert after.status_code == 200
    if reference:
        assert reference.group(0) in after.text
