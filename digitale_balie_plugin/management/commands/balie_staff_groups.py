from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from digitale_balie_plugin.cms import roles


class Command(BaseCommand):
    help = (
        "Create or complete the staff groups of the digital counter: clerks, managers and web editors of the "
        "counter pages. Adds what a group lacks; removes nothing unless --reset. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--language",
            help="Language of the group names (default: LANGUAGE_CODE). The names are how the groups are found "
            "again: use the same language every time.",
        )
        parser.add_argument(
            "--role", action="append", choices=sorted(roles.ROLES), help="Only this role (repeat for more)."
        )
        parser.add_argument(
            "--all-seats",
            action="store_true",
            help="Also make the clerks' group a clerk group of every counter seat, on every site.",
        )
        parser.add_argument("--reset", action="store_true", help="Also remove permissions a group has beyond its role.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change, and change nothing.")

    def handle(self, *args, **options):
        language = options["language"] or settings.LANGUAGE_CODE
        if language not in dict(settings.LANGUAGES):
            raise CommandError(
                f"Unknown language {language!r}; choose one of LANGUAGES: {', '.join(dict(settings.LANGUAGES))}."
            )
        keys = options["role"] or list(roles.ROLES)
        if options["all_seats"] and "clerks" not in keys:
            raise CommandError("--all-seats needs the clerks' role: add --role clerks.")
        with translation.override(language), transaction.atomic():
            reports = {key: self._apply(key, options["reset"]) for key in keys}
            if options["all_seats"]:
                self._seats(reports["clerks"].group)
            if options["dry_run"]:
                transaction.set_rollback(True)
                self.stdout.write("Dry run: nothing was saved.")

    def _apply(self, key, reset):
        try:
            report = roles.apply_role(roles.ROLES[key], reset=reset)
        except roles.RoleError as exc:
            raise CommandError(str(exc)) from exc
        status = "created" if report.created else ("updated" if report.changed else "up to date")
        self.stdout.write(f'Group "{report.group.name}" ({key}): {status}.')
        self._list("added", report.added)
        self._list("removed" if report.removed else "kept, not part of the role (--reset removes them)", report.extra)
        self._list("page permissions added", report.pages)
        if roles.ROLES[key].page_permissions and not roles.counter_pages().exists():
            self.stdout.write("  No counter page or application form yet: run this command again after creating one.")
        return report

    def _seats(self, group):
        seats = roles.add_to_every_seat(group)
        names = ", ".join(f'"{seat.name}"' for seat in seats)
        self.stdout.write(
            f"Clerks' group added to seats: {names}." if seats else "Clerks' group: already on every seat."
        )

    def _list(self, label, items):
        if items:
            self.stdout.write(f"  {label}: {', '.join(items)}")
