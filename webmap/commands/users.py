"""``carto users``: managers' and volunteers' accounts.

Every change of an account (password, role, disabling, ``end-sessions``) ends its open sessions.
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from tabulate import tabulate

from geo.mailbox import email_problem
from webmap.auth.services import MIN_PASSWORD_LENGTH, ROLES, hash_password, hash_token, new_token
from webmap.commands import summary
from webmap.services import current_store

users = AppGroup("users", help=summary("users"))


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="manager", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Lire le mot de passe sur l’entrée standard.")
def add_user(email: str, role: str, password_stdin: bool) -> None:
    """Crée (ou remplace, et réactive) le compte EMAIL ; le mot de passe est demandé, jamais en argument."""
    email = email.strip().lower()
    problem = email_problem(email)
    if problem:
        raise click.BadParameter(f"{problem} : {email}", param_hint="EMAIL")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    if not MIN_PASSWORD_LENGTH <= len(password) <= 200:
        raise click.BadParameter(f"{MIN_PASSWORD_LENGTH} à 200 caractères", param_hint="mot de passe")
    current_store().add_user(email, hash_password(password), role)
    click.echo(f"Compte {email} ({role}) enregistré.")


@users.command("list")
def list_users() -> None:
    """Les comptes, leur rôle, leur état et s’ils ont un jeton d’API."""
    rows = [
        (
            u["email"],
            u["role"],
            "désactivé" if u["disabled"] else "actif",
            "oui" if u["token_hash"] else "non",
        )
        for u in current_store().users()
    ]
    click.echo(tabulate(rows, headers=("compte", "rôle", "état", "jeton d’API")) if rows else "Aucun compte.")


@users.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES))
def set_role(email: str, role: str) -> None:
    """Change le rôle de EMAIL ; ses sessions ouvertes sont fermées."""
    _change(email, lambda store, address: store.set_role(address, role), f"rôle : {role}")


@users.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Désactive EMAIL : plus de connexion, sessions fermées, jeton d’API révoqué (`add` le réactive)."""
    _change(email, lambda store, address: store.disable_user(address), "désactivé")


@users.command("end-sessions")
@click.argument("email")
def end_sessions(email: str) -> None:
    """Ferme toutes les sessions ouvertes de EMAIL (appareil perdu…)."""
    _change(email, lambda store, address: store.end_sessions(address), "sessions fermées")


@users.command("token")
@click.argument("email")
def token(email: str) -> None:
    """Donne un nouveau jeton d’API personnel à EMAIL (l’ancien cesse de fonctionner)."""
    address = _existing(email)
    value = new_token()
    current_store().set_token(address, hash_token(value))
    click.echo(value)


def _existing(email: str) -> str:
    address = email.strip().lower()
    if current_store().user(address) is None:
        raise click.ClickException(f"aucun compte {email}")
    return address


def _change(email: str, change, done: str) -> None:
    address = _existing(email)
    change(current_store(), address)
    click.echo(f"Compte {address} : {done}.")
