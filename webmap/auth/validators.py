"""Form validators for accounts, shared by the login form and the back office's forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from geo.mailbox import email_problem


def service_email(form: FlaskForm, field: Field) -> None:
    """The service's one e-mail rule (``geo.mailbox``), with its French message, as ``carto users add``
    applies it."""
    problem = email_problem(field.data or "")
    if problem is not None:
        raise ValidationError(problem)


def stripped(value: object) -> object:
    """A typed value without the spaces around it (a phone keyboard adds one after an address)."""
    return value.strip() if isinstance(value, str) else value
