"""Request ids and JSON logs, from the web request into the Celery tasks it queues.

`RequestIdMiddleware` takes the X-Request-ID the balancer sent (or makes one), keeps it in a context
variable for the request, and answers with it. Every log record gets `request_id` (RequestIdFilter);
`JsonFormatter` writes one JSON object per line. A task published while a request id is set carries
it in its message headers; the worker sets it again around the task, so a reply's e-mail logs under
the id of the request that wrote the reply.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

from celery import signals

log = logging.getLogger(__name__)

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("latitude_request_id", default="")
task_var: contextvars.ContextVar[str] = contextvars.ContextVar("latitude_task", default="")

HEADER = "X-Request-ID"
CELERY_HEADER = "latitude_request_id"
# Accept the balancer's id only when it looks like one: it is written into every log line.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response[HEADER] = rid
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        record.task = task_var.get()
        return True


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "task"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, task, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.name == "gunicorn.access" and message.startswith("{"):
            # bin/web's access format is already one JSON object (redacted by the logging filter): keep it flat.
            try:
                access = json.loads(message)
            except ValueError:
                access = None
            if isinstance(access, dict):
                return json.dumps({"level": record.levelname, **access}, ensure_ascii=False, default=str)
        out = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or None,
        }
        task = getattr(record, "task", None) or task_var.get()
        if task:
            out["task"] = task
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            out["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


# --- Celery: carry the id across the broker ------------------------------------------------------


@signals.before_task_publish.connect
def _add_request_id(headers=None, **kwargs):
    rid = request_id_var.get()
    if rid and headers is not None and CELERY_HEADER not in headers:
        headers[CELERY_HEADER] = rid


_task_tokens: dict[str, tuple] = {}


@signals.task_prerun.connect
def _set_request_id(task_id=None, task=None, **kwargs):
    rid = getattr(task.request, CELERY_HEADER, None) or (task.request.headers or {}).get(CELERY_HEADER) or ""
    _task_tokens[task_id] = (request_id_var.set(rid), task_var.set(f"{task.name}[{task_id}]"))
    if rid:  # the line that ties this task's logs to the request that queued it
        log.info("task started", extra={"task_name": task.name})


@signals.task_postrun.connect
def _clear_request_id(task_id=None, **kwargs):
    tokens = _task_tokens.pop(task_id, None)
    if tokens:
        request_id_var.reset(tokens[0])
        task_var.reset(tokens[1])


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _json_for_celery(logger=None, **kwargs):
    """Celery installs its own handlers; in JSON mode they write JSON lines like the web's."""
    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return
    for handler in logger.handlers:
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
