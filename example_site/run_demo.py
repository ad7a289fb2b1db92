"""Run the demo: the web server and the django-q2 worker together, until Ctrl-C.

Started by ``make demo`` after migrating and loading the demo content.
"""

import os
import signal
import subprocess
import sys
import time

ADDRESS = os.environ.get("DEMO_ADDRESS", "127.0.0.1:8000")
LOGINS = [
    ("admin", "admin-demo-2026", "administrator"),
    ("baliemedewerker", "balie-demo-2026", "clerk"),
    ("redacteur", "redactie-demo-2026", "web editor"),
    ("manager", "manager-demo-2026", "head of service: figures, feedback, citizen data"),
]


def main() -> int:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "example_site.settings.dev"),
    }
    manage = [sys.executable, "manage.py"]
    processes = [
        subprocess.Popen([*manage, "qcluster"], env=env),
        subprocess.Popen([*manage, "runserver", "--noreload", ADDRESS], env=env),
    ]
    time.sleep(2)
    print(banner(), flush=True)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(timeout=15)
    return 0


def banner() -> str:
    url = f"http://{ADDRESS.replace('127.0.0.1', 'localhost')}"
    lines = [
        "",
        "=" * 68,
        f"  Digitale Balie demo:      {url}/digitale-balie/",
        f"  Wagtail admin:            {url}/admin/",
        "  Demo logins:",
    ]
    lines += [f"    {user:<16} {password:<22} ({role})" for user, password, role in LOGINS]
    lines += ["  E-mails (with their links) are printed in this terminal.", "  Stop with Ctrl-C.", "=" * 68, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
