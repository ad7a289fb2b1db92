"""The floor of bench/load.py: the cheapest Django view, served through the same gunicorn, middleware and
client as the counter's endpoints. Mounted only when ``BENCH_FLOOR`` is set (``BALIE_BENCH_FLOOR=1``)."""

from django.http import HttpResponse


def floor(request):
    return HttpResponse("ok")
