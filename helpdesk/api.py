"""API-wide pieces: the exception handler that turns domain errors into 400s naming the field."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from helpdesk.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        field = exc.field or "non_field_errors"
        return Response({field: [str(exc.message)], "detail": str(exc.message)}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"non_field_errors": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (Http404, PermissionDenied)):
        return drf_exception_handler(exc, context)
    return drf_exception_handler(exc, context)


# Every answer the exception handler above can give, documented on every operation (drf-spectacular
# postprocessing hook), so that a client, and schemathesis, know an error when they see one.
ERROR_RESPONSES = {
    "400": "Bad input: the message names the field.",
    "401": "Not signed in (no session, no token).",
    "403": "Signed in, but this role may not do this.",
    "404": "Nothing of that id that the caller may see.",
    "405": "Method not allowed here.",
    "409": "Conflict with the current state (e.g. already decided).",
    "429": "Too many requests, or a locked login.",
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = {
        "type": "object",
        "description": "`detail` says what went wrong; field errors are keyed by the field's name.",
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": True,
    }
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {"description": description, "content": error})
    return result
