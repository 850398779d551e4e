"""User HTML is never trusted: everything shown goes through nh3 (Ammonia) first."""

import re

import nh3

ALLOWED_TAGS = {
    "a",
    "b",
    "blockquote",
    "br",
    "code",
    "div",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "span",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan"},
    "th": {"colspan"},
}


def _no_remote_images(element: str, attribute: str, value: str) -> str | None:
    """An image may come from the message itself (cid:) or from us (a path), never from another host:
    a remote image in a customer's e-mail or an announcement would tell its sender who opened it, and
    when (tracking pixels). The image then shows its alt text."""
    if element == "img" and attribute == "src":
        address = value.strip().lower()
        if address.startswith("cid:") or (address.startswith("/") and not address.startswith("//")):
            return value
        return None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_no_remote_images,
    )


_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote)>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(html: str) -> str:
    """A plain-text version of HTML mail: block ends become line breaks, tags go, text stays."""
    import html as html_lib

    text = _BLOCK_END.sub("\n", html or "")
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.I | re.S)
    text = html_lib.unescape(_TAG.sub("", text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in text.splitlines())).strip()
