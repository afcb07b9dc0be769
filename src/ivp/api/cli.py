"""`ivp api …`: API tokens for scripts and the OpenAPI schema."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def cmd_token(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from .services import token_create, token_revoke, user_by_username

    user = user_by_username(username=args.username)
    if args.revoke:
        revoked = token_revoke(user=user)
        message = _("Token of %(user)s revoked.") if revoked else _("%(user)s had no token.")
        sys.stdout.write(message % {"user": user.username} + "\n")
        return
    _token, key = token_create(user=user)
    sys.stderr.write(
        _("New API token for %(user)s (any earlier one no longer works). It is shown only now:")
        % {"user": user.username}
        + "\n"
    )
    sys.stdout.write(key + "\n")


def cmd_schema(args: argparse.Namespace) -> None:
    from django.utils.translation import gettext as _

    from ivp.core.errors import IvpError

    from .schema import schema_yaml

    text = schema_yaml()
    if args.check:
        path = Path(args.output or "docs/openapi.yaml")
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            raise IvpError(
                _("%(path)s differs from the schema of the code: run `ivp api schema -o %(path)s`.")
                % {"path": path}
            )
        return
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        sys.stderr.write(_("Schema written to %(path)s.") % {"path": args.output} + "\n")
    else:
        sys.stdout.write(text)


def register(commands: Any) -> None:
    from django.utils.translation import gettext as _

    group = commands.group("api", _("the REST API: tokens for scripts and the OpenAPI schema"))
    token = group.add_parser("token", help=_("make (or replace) a user's API token and print it"))
    token.add_argument("username", help=_("the user's login name"))
    token.add_argument("--revoke", action="store_true", help=_("remove the token instead"))
    token.set_defaults(func=cmd_token)
    schema = group.add_parser("schema", help=_("write the OpenAPI schema (YAML)"))
    schema.add_argument("-o", "--output", help=_("file to write (default: standard output)"))
    schema.add_argument(
        "--check", action="store_true", help=_("only compare with the file (default docs/openapi.yaml)")
    )
    schema.set_defaults(func=cmd_schema)
