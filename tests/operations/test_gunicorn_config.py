"""deploy/gunicorn.conf.py: the served configuration comes from the environment, with the measured defaults
(docs/operator.md, "Capacity"); each process hides the loaded site from the garbage collector and hands the GIL
over sooner."""

import gc
import runpy
import sys
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def test_the_defaults_are_the_measured_choice(monkeypatch):
    for name in ("WORKERS", "THREADS", "WORKER_CLASS", "KEEPALIVE", "WORKER_CONNECTIONS", "ACCESS_LOG"):
        monkeypatch.delenv(f"GUNICORN_{name}", raising=False)
    config = runpy.run_path(str(CONFIG))
    assert (config["worker_class"], config["workers"], config["threads"]) == ("gthread", 2, 4)
    assert (config["keepalive"], config["worker_connections"], config["accesslog"]) == (5, 1000, "-")


def test_the_environment_chooses(monkeypatch):
    monkeypatch.setenv("GUNICORN_WORKERS", "4")
    monkeypatch.setenv("GUNICORN_THREADS", "2")
    monkeypatch.setenv("GUNICORN_ACCESS_LOG", "")
    config = runpy.run_path(str(CONFIG))
    assert (config["workers"], config["threads"], config["accesslog"]) == (4, 2, None)


def test_a_loaded_worker_freezes_what_it_allocated_and_switches_threads_sooner(monkeypatch):
    config = runpy.run_path(str(CONFIG))
    interval = sys.getswitchinterval()
    gc.unfreeze()
    try:
        config["post_worker_init"](None)
        assert gc.get_freeze_count() > 0
        assert sys.getswitchinterval() == 0.001  # was 0.005, Python's default
        gc.unfreeze()
        monkeypatch.setenv("GUNICORN_GC_FREEZE", "0")
        monkeypatch.setenv("GUNICORN_SWITCH_INTERVAL", "0.002")
        config["post_worker_init"](None)
        assert gc.get_freeze_count() == 0
        assert sys.getswitchinterval() == 0.002
    finally:
        gc.unfreeze()
        sys.setswitchinterval(interval)
