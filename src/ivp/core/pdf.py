"""One template, two outputs: a report page rendered as HTML and, from the same HTML, as a PDF.

WeasyPrint is imported lazily (it is heavy). Static files (`/static/...`) referenced by the
page are read from the staticfiles finders, so a PDF renders without a running server and
without network access: any other URL is refused, never fetched.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from .errors import IvpError

PDF_BASE_URL = "https://ivp.invalid/"
"""Base URL for relative links while rendering; never fetched (see `_url_fetcher`)."""


def _static_path(url: str) -> Path | None:
    prefix = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    for base in (PDF_BASE_URL.rstrip("/") + prefix, "file://" + prefix):
        if url.startswith(base):
            relative = url[len(base) :].split("?", 1)[0].split("#", 1)[0]
            found = finders.find(relative)
            if isinstance(found, list):
                found = found[0] if found else None
            return Path(found) if found else None
    return None


def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that serves static files from disk and data: URLs, and refuses
    everything else (no network): a refused URL stops the rendering with an error."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_path(url)
            if path is None:
                raise IvpError(f"The PDF refers to {url}, which is not a static file of ivp.")
            mime, _encoding = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": mime or "application/octet-stream"}
            )

    return StaticOnlyFetcher(fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    """Render a complete HTML document (as the page shows it) to PDF bytes."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    try:
        document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_fetcher())
        return document.write_pdf()  # type: ignore[no-any-return]
    except FatalURLFetchingError as error:
        raise IvpError(str(error.__cause__ or error)) from error


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render the report template with `for_pdf=True` and turn it into a PDF."""
    html = render_to_string(template_name, {**context, "for_pdf": True})
    return html_to_pdf(html)
