"""Benchmark instrumentation, installed only when LATITUDE_BENCH=1 (see settings): every response
carries X-Query-Count, the number of SQL queries the request ran, so the load driver can report
queries per page as served by gunicorn in production mode."""

from __future__ import annotations

from django.db import connections


class QueryCountMiddleware:
    header = "X-Query-Count"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counter) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[self.header] = str(count)
        return response
