"""What bench/load.py needs of the example site, mounted only when ``BENCH_FLOOR`` is set
(``BALIE_BENCH_FLOOR=1``, never on a real site): the floor — the cheapest Django view, served through the same
gunicorn, middleware and client as the counter's endpoints — and the SQL statements each answer ran, in a header
the load generator adds up per kind of request."""

from contextlib import ExitStack

from django.db import connections
from django.http import HttpResponse


def floor(request):
    return HttpResponse("ok")


class QueryCountMiddleware:
    """First in ``MIDDLEWARE``: counts every statement on every database connection while the request runs
    (``X-Bench-Queries``), without Django's debug cursor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counted(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all(initialized_only=False):
                stack.enter_context(connection.execute_wrapper(counted))
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(count[0])
        return response
