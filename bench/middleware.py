"""Benchmark instrumentation, installed only when LATITUDE_BENCH=1 (see settings): every response
carries X-Query-Count, the number of SQL queries the request ran, so the load driver can report
queries per page as served by gunicorn in production mode, and X-Query-Databases (`default=3 replica=9`:
the queries per database alias), so the scale-out bench can tell a page was read from the replica."""

from __future__ import annotations

from django.db import connections


class QueryCountMiddleware:
    header = "X-Query-Count"
    databases_header = "X-Query-Databases"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts = dict.fromkeys(connections, 0)

        def counter(alias):
            def count(execute, sql, params, many, context):
                counts[alias] += 1
                return execute(sql, params, many, context)

            return count

        wrappers = [connections[alias].execute_wrapper(counter(alias)) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[self.header] = str(sum(counts.values()))
        response[self.databases_header] = " ".join(f"{alias}={n}" for alias, n in counts.items())
        return response
