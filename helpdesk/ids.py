"""Reading ids from the outside world (paths, query strings, JSON) without a 500."""

MAX_ID_DIGITS = 18  # below 2**63: a longer number overflows PostgreSQL's bigint


def is_id(value) -> bool:
    """True for a plain ASCII number that fits a database id. `"³".isdigit()` is True but `int("³")`
    raises, and `"9" * 30` overflows the column: both are names, not ids."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= MAX_ID_DIGITS


class IdConverter:
    """`<id:pk>` in URL patterns: an ASCII number that fits a bigint. A longer one does not match, so it is a
    404 like any address that names nothing, instead of overflowing PostgreSQL's bigint (a 500)."""

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)
