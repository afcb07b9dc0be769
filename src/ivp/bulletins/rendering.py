"""The bulletin of one member as a web page body and as an e-mail (HTML and plain text, in
Dutch), from the same templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .selectors import MemberBulletin

EMAIL_LANGUAGE = "nl"


def bulletin_context(bulletin: MemberBulletin) -> dict[str, Any]:
    return {"bulletin": bulletin, "rows": bulletin.rows}


def bulletin_subject(bulletin: MemberBulletin) -> str:
    subject = _("Monthly bulletin %(name)s, %(month)s") % {
        "name": bulletin.area.name,
        "month": bulletin.month_label,
    }
    return (_("[DEMO] ") + subject) if bulletin.has_demo else subject


def bulletin_email(
    bulletin: MemberBulletin, *, to: str, unsubscribe_url: str | None = None, connection: Any = None
) -> EmailMultiAlternatives:
    """One e-mail for one recipient: only their own municipality's bulletin, with their own
    unsubscribe link in the footer and in `List-Unsubscribe` (None: a preview, which names the
    link instead). One-click unsubscribe (`List-Unsubscribe-Post`, RFC 8058) needs an HTTPS link."""
    with translation.override(EMAIL_LANGUAGE):
        context = bulletin_context(bulletin) | {"for_email": True, "unsubscribe_url": unsubscribe_url}
        text = render_to_string("bulletins/email.txt", context)
        html = render_to_string("bulletins/email.html", context)
        subject = bulletin_subject(bulletin)
    headers = {
        "X-IVP-Municipality": bulletin.area.code,
        "X-IVP-Month": bulletin.month.start.strftime("%Y-%m"),
    }
    if unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        if unsubscribe_url.startswith("https://"):
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=connection,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message
