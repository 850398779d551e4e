"""A review as a PDF for the HR file, rendered by WeasyPrint from an HTML template."""

from __future__ import annotations

from django.template.loader import render_to_string

from recognition.models import Review


def render_review_pdf(*, review: Review, request=None) -> bytes:
    """Raises OSError when WeasyPrint's system libraries (Pango) are missing."""
    from weasyprint import HTML

    html = render_to_string("recognition/review_pdf.html", {"review": review, "f": review.figures}, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/") if request else None).write_pdf()
