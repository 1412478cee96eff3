"""``carto users``: managers' accounts."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from webmap.auth import ROLES, hash_password, hash_token, new_token
from webmap.data import current_store

users = AppGroup("users", help="Comptes des gestionnaires et bénévoles.")


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="manager", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l’entrée standard.")
def add_user(email: str, role: str, password_stdin: bool) -> None:
    """Crée (ou remplace) le compte EMAIL ; le mot de passe est demandé, jamais en argument."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 200:
        raise click.BadParameter(f"adresse invalide : {email}", param_hint="EMAIL")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    if len(password) < 12:
        raise click.BadParameter("12 caractères au moins", param_hint="mot de passe")
    current_store().add_user(email, hash_password(password), role)
    click.echo(f"Compte {email} ({role}) enregistré.")


@users.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Donne un nouveau jeton d’API personnel à EMAIL (l’ancien cesse de fonctionner)."""
    store = current_store()
    if store.user(email.strip().lower()) is None:
        raise click.ClickException(f"aucun compte {email}")
    value = new_token()
    store.set_token(email.strip().lower(), hash_token(value))
    click.echo(value)
