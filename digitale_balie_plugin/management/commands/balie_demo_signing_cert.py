"""Create the demo signer's self-signed certificate chain (``var/signing/demo-seal.p12``) for ``make demo``.

``--base64`` prints the certificate's content instead of a message, for a site that runs the demo signer on
several servers: ``export BALIE_SIGNING_PKCS12_BASE64=$(python manage.py balie_demo_signing_cert --base64)``.
"""

import base64

from django.core.management.base import BaseCommand

from digitale_balie_plugin.integrations.signing.certificates import make_demo_chain
from digitale_balie_plugin.integrations.signing.demo import DEMO_PASSPHRASE, demo_certificate_path


class Command(BaseCommand):
    help = "Create the demo signing certificate (self-signed; for make demo only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Replace an existing demo certificate.")
        parser.add_argument(
            "--base64",
            dest="as_base64",
            action="store_true",
            help="Print the certificate's content (base64, for BALIE_SIGNING_PKCS12_BASE64) and nothing else.",
        )

    def handle(self, *args, force=False, as_base64=False, **options):
        path = demo_certificate_path()
        report = self.stderr if as_base64 else self.stdout
        if path.exists() and not force:
            report.write(f"Demo signing certificate exists: {path}")
        else:
            make_demo_chain(path, DEMO_PASSPHRASE)
            report.write(
                self.style.SUCCESS(f"Demo signing certificate written: {path} (root: {path.with_suffix('.root.pem')})")
            )
        if as_base64:
            self.stdout.write(base64.b64encode(path.read_bytes()).decode("ascii"))
