"""Every example of the README's "Integrate kurzum into your site" runs against a live kurzum.

The code blocks are taken from README.md by their ``<!-- example: NAME -->`` marker, so the
README cannot drift from what works: the admin call (curl), pushing an article (curl), and the
server-side fragment with a JWT minted in Python (PyJWT) and in Node (built-in crypto only).
The component snippet is loaded in Chromium by tests/browser/test_embed_browser.py.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kurzum.storage import articles as repo
from kurzum.storage import summaries
from tests.browser.conftest import ROOT, Live, serve_live

README = ROOT / "README.md"
_EXAMPLE = re.compile(
    r"<!-- example: (?P<name>[\w-]+) -->\n(?P<indent>[ ]*)```(?P<lang>\w+)\n"
    r"(?P<code>.*?)\n(?P=indent)```",
    re.S,
)
ADMIN = ("admin@kurzum.demo", "demo-admin-2024")


def readme_examples() -> dict[str, str]:
    """NAME -> code of every marked block of the README (list indentation removed)."""
    text = README.read_text("utf-8")
    return {m["name"]: textwrap.dedent(m["indent"] + m["code"]) for m in _EXAMPLE.finditer(text)}


def test_readme_has_the_integration_examples() -> None:
    names = set(readme_examples())
    wanted = {"admin-curl", "push-curl", "component-html", "fragment-python", "fragment-node"}
    assert wanted <= names, names


class Site:
    """The live kurzum set up as the README assumes: a JWT key, an API key, the demo admin."""

    def __init__(self, live: Live, workdir: Path) -> None:
        self.live = live
        self.workdir = workdir
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        (workdir / "publisher-private.pem").write_bytes(private)
        with live.session_factory() as session:
            pub = repo.get_publication(session, "blick")
            pub.jwt_public_keys = [public.decode()]
            pub.jwt_audience = "kurzum-blick"
            _, self.api_key = repo.create_api_key(session, pub)
            article = repo.get_article(session, pub, "nordkorea-2024-10")
            served = summaries.served_summary(session, article)
            assert served is not None
            self.bullets = served.bullet_texts
            session.commit()

    def env(self) -> dict[str, str]:
        return os.environ | {
            "KURZUM_URL": self.live.url,
            "KURZUM_API_KEY": self.api_key,
            "KURZUM_ADMIN": ADMIN[0],
            "KURZUM_ADMIN_PASSWORD": ADMIN[1],
            "KURZUM_JWT_KEY": str(self.workdir / "publisher-private.pem"),
        }

    def run(self, *command: str) -> str:
        done = subprocess.run(
            command, cwd=self.workdir, env=self.env(), capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """A live kurzum with the demo (as in the browser tests) and a work folder for examples."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    for live in serve_live(tmp_path):
        yield Site(live, workdir)


def test_admin_example_configures_origins_and_offers(site: Site) -> None:
    out = site.run("bash", "-euc", readme_examples()["admin-curl"])
    assert '"allowed_origins":["https://www.blick.example"]' in out
    with site.live.session_factory() as session:
        pub = repo.get_publication(session, "blick")
        assert pub.allowed_origins == ["https://www.blick.example"]
        assert pub.login_url == "https://www.blick.example/login"
        assert pub.subscribe_offers["de"]["text"] == "Blick+ abonnieren"


def test_push_example_creates_the_article(site: Site) -> None:
    out = site.run("bash", "-euc", readme_examples()["push-curl"])
    assert '"external_id":"energie-2026-11"' in out
    with site.live.session_factory() as session:
        pub = repo.get_publication(session, "blick")
        article = repo.get_article(session, pub, "energie-2026-11")
        assert article.premium and article.body.count("\n\n") == 1


def test_python_fragment_example_shows_the_subscriber_box(site: Site) -> None:
    (site.workdir / "box.py").write_text(readme_examples()["fragment-python"], "utf-8")
    html = site.run(sys.executable, "box.py")
    assert 'data-kurzum-status="available"' in html
    for bullet in site.bullets:
        assert bullet in html


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_fragment_example_shows_the_subscriber_box(site: Site) -> None:
    (site.workdir / "box.js").write_text(readme_examples()["fragment-node"], "utf-8")
    html = site.run("node", "box.js")
    assert 'data-kurzum-status="available"' in html
    for bullet in site.bullets:
        assert bullet in html
