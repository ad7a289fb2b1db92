"""Create the demo signer's self-signed certificate chain (``var/signing/demo-seal.p12``) for ``make demo``."""

from django.core.management.base import BaseCommand

from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
from digitale_balie_plugin.integrations.signing.demo import DEMO_PASSPHRASE, demo_certificate_path


class Command(BaseCommand):
    help = "Create the demo signing certificate (self-signed; for make demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing demo certificate.")

    def handle(self, *args, force=False, **options):
        path = demo_certificate_path()
        if path.exists() and not force:
            self.stdout.write(f"Demo signing certificate exists: {path}")
            return
        make_demo_chain(path, DEMO_PASSPHRASE)
        self.stdout.write(
            self.style.SUCCESS(f"Demo signing certificate written: {path} (root: {path.with_suffix('.root.pem')})")
        )
