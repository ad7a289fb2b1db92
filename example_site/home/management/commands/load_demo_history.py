"""Load a few weeks of made-up history into the demo site (after ``load_demo_content``).

Safe to run again: when the history is there, nothing is added.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Site

from digitale_balie_plugin.models import CounterSeat
from example_site.home.demo_history import DAYS, SEED, History, history_exists


class Command(BaseCommand):
    help = "Add a few weeks of generated history (appointments, conversations, feedback) to the demo site."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DAYS, help="How many days back (default %(default)s).")
        parser.add_argument("--seed", type=int, default=SEED, help="Seed of the random choices.")

    def handle(self, *args, days, seed, **options):
        site = Site.objects.filter(is_default_site=True).first()
        if site is None or not CounterSeat.objects.filter(site=site).exists():
            raise CommandError("The demo site has no counter seats yet: run load_demo_content first.")
        if history_exists(site):
            self.stdout.write("Demo history is already there: nothing added.")
            return
        began = time.monotonic()
        with transaction.atomic():
            counts = History(site, seed=seed, days=days).build()
        self.stdout.write(self.style.SUCCESS(f"Demo history of {days} days added in {time.monotonic() - began:.1f} s:"))
        for name, number in sorted(counts.items()):
            self.stdout.write(f"  {number} {name}")
