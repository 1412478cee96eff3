"""What an e-mail address is, once for the whole service: the actors' ``courriel``, the managers' and
volunteers' accounts, the login form.

The rule is email-validator's, the library data·inclusion's schema (pydantic's ``EmailStr``) and
WTForms' ``Email`` both call: an address this accepts, they accept, so a value the validator let in
can never break the quality score, an export or a page. Deliverability is not checked (no DNS).
"""

from __future__ import annotations

MAX_LENGTH = 200
"""Longest address kept, in characters (far under the 254 of RFC 5321)."""


def email_problem(address: str) -> str | None:
    """Why ``address`` is not an e-mail address, in French; None when it is one."""
    import email_validator

    if len(address) > MAX_LENGTH:
        return f"adresse e-mail trop longue ({MAX_LENGTH} caractères au plus)"
    if address != address.strip() or "<" in address or ">" in address:
        return "adresse e-mail invalide : ni espace autour, ni « < > »"
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return "adresse e-mail invalide"
    return None


def is_email(address: str) -> bool:
    """Whether ``address`` is an e-mail address by the service's one rule (``email_problem``)."""
    return email_problem(address) is None
