"""The admin commands: ``db``, ``users``, ``publications`` and ``keys``.

Thin adapters over the storage layer, on the same rules as the admin API: publication changes
are validated by the API's own schema, API keys are shown once and stored as a hash.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from kurzum.cli.database import parse_time, transaction
from kurzum.cli.errors import stderr
from kurzum.errors import InputError
from kurzum.settings import get_settings
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.db import make_engine, upgrade
from kurzum.storage.tables import Publication, User
from kurzum.webhooks.targets import check_url

if TYPE_CHECKING:
    from pydantic import BaseModel

# The API schemas (and the cryptography they load to check JWT keys) are imported by the two
# commands that validate publications, not by every start of the CLI.

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
users_app = typer.Typer(help="Accounts and subscriptions.", no_args_is_help=True)
pubs_app = typer.Typer(
    help="Publications: paywall texts, review policy, integrations.", no_args_is_help=True
)
keys_app = typer.Typer(
    help="Publisher API keys: create (shown once), list, revoke.", no_args_is_help=True
)


# Width of the tables when stdout is not a terminal (files, pipes, scripts): nothing is cut.
TABLE_WIDTH = 200


def _out() -> Console:
    """Stdout for tables, wide enough for every column when it is not a terminal."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else TABLE_WIDTH)


def _when(value: Any) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "-"


def _validated(schema: type[BaseModel], data: dict[str, Any]) -> Any:
    """``data`` checked by the admin API's schema; InputError naming the first bad field."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "value"
        raise InputError(f"{where}: {err['msg']}") from None


# -- db -------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (idempotent)."""
    settings = get_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    stderr().print(f"database at head: {settings.sqlalchemy_url.split('@')[-1]}", markup=False)


# -- users ----------------------------------------------------------------------------------


def _password(value: str | None) -> str:
    if value:
        return value
    env = os.environ.get("KURZUM_PASSWORD")
    if env:
        return env
    return getpass.getpass("password: ")


def _user(session: Session, email: str) -> User:
    user = accounts.find_user(session, email)
    if user is None:
        raise InputError(f"no account {email}")
    return user


@users_app.command("add")
def users_add(
    email: str,
    role: Annotated[str, typer.Option(help="reader, editor or admin")] = "reader",
    password: Annotated[
        str | None, typer.Option(help="Default: KURZUM_PASSWORD or a prompt.")
    ] = None,
) -> None:
    """Create an account."""
    with transaction(get_settings()) as session:
        user = accounts.create_user(session, email, _password(password), role=role)
        typer.echo(f"created {user.email} ({user.role})")


@users_app.command("list")
def users_list() -> None:
    """List accounts with their active subscriptions."""
    with transaction(get_settings()) as session:
        table = Table("id", "email", "role", "subscriptions", "disabled")
        for user in session.scalars(select(User).order_by(User.id)):
            subs = [
                f"{s.publication.slug}:{s.plan}"
                + (f" until {s.valid_until:%Y-%m-%d}" if s.valid_until else "")
                for s in accounts.subscriptions(session, user.id)
                if accounts.is_subscribed(session, user.id, s.publication_id)
            ]
            disabled = "yes" if user.disabled else ""
            table.add_row(str(user.id), user.email, user.role, ", ".join(subs), disabled)
        _out().print(table)


@users_app.command("set-role")
def users_set_role(email: str, role: str) -> None:
    """Change an account's role."""
    if role not in ("reader", "editor", "admin"):
        raise InputError("role must be reader, editor or admin")
    with transaction(get_settings()) as session:
        _user(session, email).role = role
        typer.echo(f"{email} is now {role}")


@users_app.command("disable")
def users_disable(email: str) -> None:
    """Disable an account: it cannot log in and its open sessions end now."""
    with transaction(get_settings()) as session:
        accounts.set_disabled(session, _user(session, email), disabled=True)
        typer.echo(f"{email} is disabled")


@users_app.command("enable")
def users_enable(email: str) -> None:
    """Enable a disabled account again."""
    with transaction(get_settings()) as session:
        accounts.set_disabled(session, _user(session, email), disabled=False)
        typer.echo(f"{email} is enabled")


@users_app.command("subscribe")
def users_subscribe(
    email: str,
    publication: str,
    plan: Annotated[str, typer.Option()] = "standard",
    start: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD (default now)")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default open-ended)")] = None,
) -> None:
    """Give an account a subscription to a publication."""
    valid_from, valid_until = parse_time(start, "--from"), parse_time(until, "--until")
    with transaction(get_settings()) as session:
        user = _user(session, email)
        pub = repo.get_publication(session, publication)
        accounts.add_subscription(
            session, user, pub, plan=plan, valid_from=valid_from, valid_until=valid_until
        )
        typer.echo(f"{email} subscribed to {publication} ({plan})")


@users_app.command("unsubscribe")
def users_unsubscribe(email: str, publication: str) -> None:
    """End an account's subscriptions to a publication now."""
    with transaction(get_settings()) as session:
        user = _user(session, email)
        pub = repo.get_publication(session, publication)
        ended = 0
        for sub in accounts.subscriptions(session, user.id):
            if sub.publication_id == pub.id and accounts.is_subscribed(session, user.id, pub.id):
                accounts.end_subscription(session, sub)
                ended += 1
        typer.echo(f"ended {ended} subscription(s)")


# -- publications ---------------------------------------------------------------------------


def _notices(values: list[str]) -> dict[str, str]:
    """``--notice de=TEXT`` options as a dict (an empty TEXT removes that language)."""
    notices: dict[str, str] = {}
    for value in values:
        lang, sep, text = value.partition("=")
        if not sep:
            raise InputError(f"--notice: expected LANG=TEXT, got {value!r}")
        notices[lang.strip()] = text
    return notices


def _read_keys(paths: list[Path]) -> list[str]:
    """The PEM public keys in these files."""
    return [path.read_text(encoding="utf-8") for path in paths]


Notice = Annotated[
    list[str] | None,
    typer.Option(
        "--notice", help="Paywall notice as LANG=TEXT (repeatable; empty TEXT removes it)."
    ),
]
ReviewPolicy = Annotated[
    str | None, typer.Option(help="publish-then-review or review-before-publish.")
]
WebhookUrl = Annotated[str | None, typer.Option(help="https:// URL that receives the events.")]
WebhookSecret = Annotated[
    str | None,
    typer.Option(help="Signing secret of the webhooks (16+ characters); - reads it from stdin."),
]
JwtKey = Annotated[
    list[Path] | None,
    typer.Option("--jwt-key", help="PEM file of a JWT public key (repeatable; replaces the list)."),
]
JwtAudience = Annotated[str | None, typer.Option(help="Expected JWT audience (aud).")]


def _secret(value: str | None) -> str | None:
    """The webhook secret of the option; ``-`` reads it from stdin (kept out of ``ps``)."""
    if value == "-":
        return sys.stdin.readline().strip() or None
    return value


@pubs_app.command("add")
def publications_add(
    slug: str,
    name: Annotated[str, typer.Option()],
    language: Annotated[str, typer.Option(help="de, fr or en.")] = "de",
    premium_label: Annotated[str, typer.Option()] = "",
    notice: Annotated[str, typer.Option(help="Paywall notice in the publication's language.")] = "",
    review_policy: Annotated[str, typer.Option()] = "publish-then-review",
) -> None:
    """Create a publication."""
    from kurzum.web.schemas import PublicationIn

    data = _validated(
        PublicationIn,
        {
            "slug": slug,
            "name": name,
            "language": language,
            "premium_label": premium_label,
            "notices": {language: notice} if notice else {},
            "review_policy": review_policy,
        },
    )
    with transaction(get_settings()) as session:
        repo.create_publication(session, **data.model_dump())
        typer.echo(f"created publication {slug}")


@pubs_app.command("list")
def publications_list() -> None:
    """List the publications with their language, review policy and active keys."""
    with transaction(get_settings()) as session:
        table = Table("slug", "name", "language", "review policy", "webhook", "active keys")
        for pub in repo.list_publications(session):
            active = sum(1 for key in repo.list_api_keys(session, pub) if key.revoked_at is None)
            table.add_row(
                pub.slug,
                pub.name,
                pub.language,
                pub.review_policy,
                pub.webhook_url or "-",
                str(active),
            )
        _out().print(table)


def _calibration(pub: Publication) -> str:
    """Whether the publication has its own calibration (``kurzum calibrate``), and how good."""
    if pub.calibration is None:
        return "default"
    held = (pub.calibration_scores or {}).get("cross_validated", {})
    score = f", cross-validated ROUGE-1 {held['r1']:.2f}" if "r1" in held else ""
    fitted = f"fitted {_when(pub.calibration_fitted_at)} on {pub.calibration_articles} articles"
    return f"own, {fitted}{score}"


def _describe(session: Session, pub: Publication) -> list[tuple[str, str]]:
    """A publication's settings as (name, value) lines; secrets only as set or not."""
    lines = [
        ("slug", pub.slug),
        ("name", pub.name),
        ("language", pub.language),
        ("premium label", pub.premium_label or "-"),
        ("review policy", pub.review_policy),
        ("webhook url", pub.webhook_url or "-"),
        ("webhook secret", "set" if pub.webhook_secret else "-"),
        ("jwt public keys", str(len(pub.jwt_public_keys))),
        ("jwt audience", pub.jwt_audience or "-"),
    ]
    lines += [(f"notice {lang}", text) for lang, text in sorted(pub.notices.items())]
    lines.append(("calibration", _calibration(pub)))
    keys = repo.list_api_keys(session, pub)
    lines.append(("api keys", f"{sum(k.revoked_at is None for k in keys)} active, {len(keys)} all"))
    return lines


@pubs_app.command("show")
def publications_show(slug: str) -> None:
    """Show one publication's settings (secrets only as set or not set)."""
    with transaction(get_settings()) as session:
        for name, value in _describe(session, repo.get_publication(session, slug)):
            typer.echo(f"{name + ':':<17}{value}")


@pubs_app.command("set")
def publications_set(
    slug: str,
    name: Annotated[str | None, typer.Option()] = None,
    premium_label: Annotated[str | None, typer.Option()] = None,
    notice: Notice = None,
    review_policy: ReviewPolicy = None,
    webhook_url: WebhookUrl = None,
    webhook_secret: WebhookSecret = None,
    no_webhook: Annotated[bool, typer.Option(help="Remove the webhook URL and secret.")] = False,
    jwt_key: JwtKey = None,
    jwt_audience: JwtAudience = None,
) -> None:
    """Change a publication's settings; options left out stay as they are."""
    from kurzum.web.schemas import PublicationPatch

    changes: dict[str, Any] = {
        "name": name,
        "premium_label": premium_label,
        "review_policy": review_policy,
        "webhook_url": webhook_url,
        "webhook_secret": _secret(webhook_secret),
        "jwt_audience": jwt_audience,
        "jwt_public_keys": _read_keys(jwt_key) if jwt_key else None,
    }
    changes = {key: value for key, value in changes.items() if value is not None}
    settings = get_settings()
    with transaction(settings) as session:
        pub = repo.get_publication(session, slug)
        if notice:
            merged = {**pub.notices, **_notices(notice)}
            changes["notices"] = {lang: text for lang, text in merged.items() if text}
        if no_webhook:
            changes |= {"webhook_url": None, "webhook_secret": None}
        if not changes:
            raise InputError("nothing to change: give at least one option (see --help)")
        patch = _validated(PublicationPatch, changes)
        if patch.webhook_url:  # the admin API's and pages' address check: no internal hosts
            check_url(patch.webhook_url, allow_private=settings.webhooks_allow_private)
        repo.update_publication(session, pub, **patch.model_dump(exclude_unset=True))
        typer.echo(f"updated publication {slug}: {', '.join(sorted(changes))}")


@pubs_app.command("key", hidden=True)
def publications_key(slug: str, name: Annotated[str, typer.Option()] = "") -> None:
    """Create a publisher API key with all scopes (kept for scripts; use ``keys create``)."""
    with transaction(get_settings()) as session:
        _, plain = repo.create_api_key(session, repo.get_publication(session, slug), name=name)
        typer.echo(plain)


# -- keys -----------------------------------------------------------------------------------


@keys_app.command("create")
def keys_create(
    publication: str,
    name: Annotated[str, typer.Option(help="What the key is for (shown in lists).")] = "",
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help=f"Scope (repeatable): {', '.join(repo.API_KEY_SCOPES)}; default all.",
        ),
    ] = None,
) -> None:
    """Create a publisher API key: printed once on stdout, only its hash is stored."""
    scopes = tuple(scope) if scope else repo.API_KEY_SCOPES
    with transaction(get_settings()) as session:
        pub = repo.get_publication(session, publication)
        key, plain = repo.create_api_key(session, pub, name=name, scopes=scopes)
        typer.echo(plain)
        stderr().print(
            f"key {key.prefix} for {publication} ({', '.join(key.scopes)}); "
            "it is shown only this once",
            markup=False,
        )


@keys_app.command("list")
def keys_list(
    publication: Annotated[str | None, typer.Argument(help="Only this publication.")] = None,
    revoked: Annotated[bool, typer.Option(help="Include revoked keys.")] = False,
) -> None:
    """List API keys (prefix, scopes, created, last used; never the key itself)."""
    with transaction(get_settings()) as session:
        pub = repo.get_publication(session, publication) if publication else None
        table = Table("prefix", "publication", "name", "scopes", "created", "last used", "revoked")
        for key in repo.list_api_keys(session, pub):
            if key.revoked_at is not None and not revoked:
                continue
            table.add_row(
                key.prefix,
                key.publication.slug,
                key.name,
                ", ".join(key.scopes),
                _when(key.created_at),
                _when(key.last_used_at),
                _when(key.revoked_at),
            )
        _out().print(table)


@keys_app.command("revoke")
def keys_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (from `keys list`) or the key.")],
) -> None:
    """Revoke an API key at once."""
    with transaction(get_settings()) as session:
        key = repo.find_api_key_by_prefix(session, prefix)
        if key is None:
            raise InputError(f"no API key {prefix!r}")
        if key.revoked_at is None:
            repo.revoke_api_key(session, key)
        typer.echo(f"revoked key {key.prefix} of {key.publication.slug}")


def register(app: typer.Typer) -> None:
    """Attach the admin command groups to the ``kurzum`` CLI."""
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(pubs_app, name="publications")
    app.add_typer(keys_app, name="keys")
