"""The demo of ``make run``: publication Blick, one Blick+ article, three free articles, accounts.

Idempotent: a re-run updates what exists (same content, same passwords) and adds what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from kurzum.errors import NotFoundError
from kurzum.ingest import load_article
from kurzum.pipeline import ArticleText, text_from_plain
from kurzum.storage import accounts
from kurzum.storage import articles as repo
from kurzum.storage.articles import ArticleInput
from kurzum.storage.audit import Actor
from kurzum.storage.tables import Publication, User

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
PREMIUM_FILE = "blick-plus-nordkorea-2024-10.txt"
PREMIUM_TITLE = "Nordkoreas Soldaten im Ukraine-Krieg: Was Kim Jong Un von Putin will"
NOTICES = {
    "de": "Die Zusammenfassung von Blick+-Artikeln ist unseren Nutzern mit Abo vorbehalten. "
    "Melde dich bitte an, falls du ein Abo hast.",
    "fr": "Le résumé des articles Blick+ est réservé à nos abonnés. "
    "Connecte-toi si tu as un abonnement.",
    "en": "The summary of Blick+ articles is reserved for our subscribers. "
    "Please log in if you have a subscription.",
}
ACTOR = Actor("demo")
DEMO_KEY_NAME = "demo"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    """A demo login printed at start."""

    email: str
    password: str
    role: str
    subscribed: bool


ACCOUNTS = (
    DemoAccount("editor@kurzum.demo", "demo-editor-2024", "editor", False),
    DemoAccount("abo@kurzum.demo", "demo-abo-2024", "reader", True),
    DemoAccount("leser@kurzum.demo", "demo-leser-2024", "reader", False),
    DemoAccount("admin@kurzum.demo", "demo-admin-2024", "admin", False),
)


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the demo loader set up (the API key is new on every run)."""

    publication: str
    articles: tuple[str, ...]
    accounts: tuple[DemoAccount, ...]
    api_key: str


def _publication(session: Session) -> Publication:
    try:
        pub = repo.get_publication(session, "blick")
    except NotFoundError:  # first run
        pub = repo.create_publication(
            session, slug="blick", name="Blick", language="de", premium_label="Blick+"
        )
    pub.notices = dict(NOTICES)
    pub.premium_label = "Blick+"
    return pub


def _free_article(path: Path) -> ArticleText:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return text_from_plain(title.strip(), None, body)


def _premium_article(path: Path) -> ArticleText:
    article = load_article(path.read_bytes(), source_name=path.name, language="de")
    return ArticleText(article.title or PREMIUM_TITLE, article.lead, article.paragraphs)


def _account(session: Session, pub: Publication, spec: DemoAccount) -> User:
    user = accounts.find_user(session, spec.email)
    if user is None:
        user = accounts.create_user(session, spec.email, spec.password, role=spec.role)
    else:
        user.role = spec.role
        accounts.set_password(session, user, spec.password)
    if spec.subscribed and not accounts.is_subscribed(session, user.id, pub.id):
        accounts.add_subscription(session, user, pub, plan="Blick+")
    return user


def load_demo(session: Session, demo_dir: Path = DEMO_DIR) -> DemoResult:
    """Create or refresh the demo data (the caller commits and runs the worker)."""
    pub = _publication(session)
    loaded: list[str] = []
    premium = demo_dir / PREMIUM_FILE
    items: list[tuple[str, ArticleText, bool]] = [
        ("nordkorea-2024-10", _premium_article(premium), True)
    ]
    for path in sorted(demo_dir.glob("free-*.txt")):
        items.append((path.stem.removeprefix("free-"), _free_article(path), False))
    for external_id, text, is_premium in items:
        data = ArticleInput(
            text=text,
            language="de",
            premium=is_premium,
            url=f"https://www.blick.ch/demo/{external_id}",
        )
        repo.upsert_article(session, pub, external_id, data, ACTOR)
        loaded.append(external_id)
    for spec in ACCOUNTS:
        _account(session, pub, spec)
    repo.revoke_api_keys_named(session, pub, DEMO_KEY_NAME)  # the last run's key stops working
    _, key = repo.create_api_key(session, pub, name=DEMO_KEY_NAME)
    session.flush()
    return DemoResult(pub.slug, tuple(loaded), ACCOUNTS, key)
