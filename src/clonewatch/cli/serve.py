"""`clonewatch serve` and `clonewatch users`: the review dashboard and its accounts."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from clonewatch.cli.common import BlobsOption, DbOption, PostsOption, with_exit_codes
from clonewatch.errors import InputError

SECRET_ENV = "CLONEWATCH_SECRET"
users_app = typer.Typer(help="Manage the dashboard's accounts and API tokens.", no_args_is_help=True)


def serve_command(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (put a TLS proxy in front for others).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8765,
    blobs: BlobsOption = None,
    posts: PostsOption = None,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (served over HTTPS by a proxy).")
    ] = False,
) -> None:
    """Serve the review dashboard and JSON API (OpenAPI at /api/openapi.json) until Ctrl-C.

    Log in with an account from `clonewatch users add`. Sessions are signed with $CLONEWATCH_SECRET
    when set (keep it secret; at least 32 characters), else with a random key: a restart then logs
    everyone out. --posts: the accounts that linked a campaign's members show on its page.
    """
    import uvicorn

    from clonewatch.store import Store, open_blobs
    from clonewatch.web import WebSettings, create_app

    secret_text = os.environ.get(SECRET_ENV)
    if secret_text is not None and len(secret_text) < 32:
        raise InputError(f"${SECRET_ENV} is too short: use at least 32 random characters")
    for path in posts or []:
        if not path.is_file():
            raise InputError(f"--posts {path}: no such file")
    store = Store.open(db)
    extra = {"secret": secret_text.encode()} if secret_text else {}
    settings = WebSettings(
        store=store,
        blobs=open_blobs(blobs),
        posts=tuple(posts or ()),
        secure_cookies=secure_cookies,
        **extra,  # type: ignore[arg-type]
    )
    shown = f"[{host}]" if ":" in host else host
    print(f"clonewatch: serving {store.url} on http://{shown}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", server_header=False)
    finally:
        store.close()


with_exit_codes(serve_command)


@users_app.command("add")
def users_add_command(
    name: Annotated[str, typer.Argument(help="The account's name.")],
    role: Annotated[
        str, typer.Option(help="viewer (reads), analyst (also decides) or admin (also manages users).")
    ],
    db: DbOption = None,
) -> None:
    """Add an account; its password is read from standard input (one line, at least 8 characters)."""
    from clonewatch.store import Store
    from clonewatch.web import add_user

    password = _read_password()
    with Store.open(db) as store:
        user = add_user(store, name, role, password)
    print(f"clonewatch: added {user.name} ({user.role})", file=sys.stderr)


@users_app.command("token")
def users_token_command(
    name: Annotated[str, typer.Argument(help="The account whose token this is.")], db: DbOption = None
) -> None:
    """Print a new API token for an account (send it as `Authorization: Bearer TOKEN`). It is shown
    once: the store keeps only its hash."""
    from clonewatch.store import Store
    from clonewatch.web import issue_token

    with Store.open(db) as store:
        token = issue_token(store, name)
    print(token)


@users_app.command("list")
def users_list_command(db: DbOption = None) -> None:
    """List the accounts and their roles."""
    from clonewatch.store import Store

    with Store.open(db) as store:
        for user in store.users():
            print(f"{user.name}\t{user.role}\t{user.created_at.isoformat()}")


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("password: ")
    line = sys.stdin.readline()
    return line.removesuffix("\n").removesuffix("\r")


for _command in (users_add_command, users_token_command, users_list_command):
    with_exit_codes(_command)
