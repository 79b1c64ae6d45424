"""The review dashboard and JSON API over the store (``clonewatch serve``).

Server-rendered pages (Jinja2, plain HTML forms, no JavaScript at all) and a token-authenticated
JSON API, both served by FastAPI under uvicorn. Only the store and the stages below it are used;
the CLI starts it with :func:`create_app` and :class:`WebSettings`.
"""

from clonewatch.web.accounts import add_user, hash_password, issue_token, verify_password
from clonewatch.web.app import WebSettings, create_app

__all__ = ["WebSettings", "add_user", "create_app", "hash_password", "issue_token", "verify_password"]
