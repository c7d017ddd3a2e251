"""medinfra api_token create|revoke|list USER: manage the API tokens of an account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medinfra.api.queries import tokens_of
from medinfra.api.services import issue_token, revoke_token
from medinfra.core.errors import Conflict, InvalidInput
from medinfra.core.services import system_actor


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = (
        "Create, revoke or list the API tokens of an account. A new token is printed once; "
        "only its hash is stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("username", metavar="USER")
        parser.add_argument(
            "--name", default="", help="What the token is for (create: required; revoke: which)"
        )
        parser.add_argument("--id", type=int, dest="token_id", help="revoke: the token's id")
        parser.add_argument("--reason", default="", help="revoke: why (kept in the audit trail)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"USER: there is no account named {options['username']!r}.")
        action = options["action"]
        try:
            if action == "create":
                self._create(user, name=options["name"])
            elif action == "revoke":
                self._revoke(
                    user,
                    name=options["name"],
                    token_id=options["token_id"],
                    reason=options["reason"],
                )
            else:
                self._list(user)
        except InvalidInput as error:
            raise CommandError(
                "; ".join(f"--{field}: {' '.join(m)}" for field, m in error.message_dict.items())
            ) from None
        except Conflict as error:
            raise CommandError(str(error)) from None

    def _create(self, user: Any, *, name: str) -> None:
        if not name.strip():
            raise CommandError("--name: say what the token is for, e.g. --name sync.")
        token, secret = issue_token(user, name=name, actor=system_actor())
        self.stderr.write(
            f"Token {token.id} ({token.name}) for {user.get_username()}. "
            "It is shown once and cannot be recovered; keep it secret:"
        )
        self.stdout.write(secret)

    def _revoke(self, user: Any, *, name: str, token_id: int | None, reason: str) -> None:
        if (token_id is None) == (not name.strip()):
            raise CommandError("Say which token to revoke: --name NAME or --id ID.")
        active = tokens_of(user).filter(revoked_at__isnull=True)
        token = (
            active.filter(pk=token_id).first()
            if token_id is not None
            else active.filter(name=name.strip()).first()
        )
        if token is None:
            which = f"id {token_id}" if token_id is not None else f"name {name.strip()!r}"
            raise CommandError(f"{user.get_username()} has no active token with {which}.")
        revoke_token(token, actor=system_actor(), reason=reason)
        self.stdout.write(f"Revoked token {token.id} ({token.name}) of {user.get_username()}.")

    def _list(self, user: Any) -> None:
        self.stdout.write("id\tname\tprefix\tcreated\tlast used\trevoked")
        for token in tokens_of(user):
            self.stdout.write(
                f"{token.id}\t{token.name}\t{token.prefix}…\t{_when(token.created_at)}\t"
                f"{_when(token.last_used_at)}\t{_when(token.revoked_at)}"
            )
