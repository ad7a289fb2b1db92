from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from wagtail.models import Site

from digitale_balie_plugin.booking.holidays import load_public_holidays


class Command(BaseCommand):
    help = "Close every counter seat of a site on the public holidays of the given years (default: this and next)."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="Site hostname (default: the default site).")
        parser.add_argument("--country", default="BE")
        parser.add_argument("--subdiv", default=None, help="Region code, e.g. 'DE' for the German-speaking community.")
        parser.add_argument("--years", nargs="*", type=int)

    def handle(self, *args, **options):
        site = self._site(options["site"])
        this_year = timezone.localdate().year
        years = options["years"] or [this_year, this_year + 1]
        created = load_public_holidays(site, years, options["country"], options["subdiv"])
        self.stdout.write(f"{created} holiday closure(s) added for {site} ({', '.join(map(str, years))}).")

    def _site(self, hostname):
        sites = Site.objects.all()
        site = sites.filter(hostname=hostname).first() if hostname else sites.filter(is_default_site=True).first()
        if site is None:
            raise CommandError(f"No site {hostname!r}." if hostname else "There is no default site.")
        return site
