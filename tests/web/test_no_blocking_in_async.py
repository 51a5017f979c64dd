"""No blocking work inside an ``async def`` of the service (issue 15): an AST check over web/.

Blocking here means a call, made directly in the coroutine's body, to a storage or use-case
function (synchronous SQLAlchemy), a database session/connection method, or argon2. Passing such
a function to ``run_in_threadpool``/``run_read`` is not a call and is allowed. ``run_read``
itself runs SQLite reads inline on purpose (see docs/architecture.md, "The reader hot path").
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kurzum.web

WEB = Path(kurzum.web.__file__).parent
BLOCKING_PACKAGES = ("kurzum.storage", "kurzum.usecases", "argon2")
DB_METHODS = frozenset(
    {
        "add",
        "begin",
        "begin_nested",
        "commit",
        "connection",
        "delete",
        "execute",
        "flush",
        "get",
        "merge",
        "refresh",
        "rollback",
        "scalar",
        "scalars",
    }
)
DB_OBJECTS = frozenset({"session", "conn", "connection", "db"})
# Storage functions that do no I/O (reading a factory's bind, hashing a token).
NON_BLOCKING = frozenset({"engine_of", "sha256"})


def _blocking_names(tree: ast.Module) -> set[str]:
    """Local names bound to blocking modules or to functions imported from them."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(BLOCKING_PACKAGES) or node.module == "kurzum":
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if full.startswith(BLOCKING_PACKAGES):
                        names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(BLOCKING_PACKAGES):
                    names.add((alias.asname or alias.name).split(".")[0])
    return names


def _root(node: ast.expr) -> ast.expr:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node


def _own_calls(func: ast.AsyncFunctionDef) -> Iterator[ast.Call]:
    """Calls in the coroutine's own body (nested functions and lambdas run elsewhere)."""
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def blocking_calls(source: str, filename: str = "<src>") -> list[str]:
    """``file:line: call`` for each blocking call made directly inside an ``async def``."""
    tree = ast.parse(source, filename)
    blocking = _blocking_names(tree)
    found: list[str] = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.AsyncFunctionDef):
            continue
        for call in _own_calls(func):
            target = call.func
            root = _root(target)
            hit = isinstance(root, ast.Name) and root.id in blocking
            if hit and ast.unparse(target).split(".")[-1] in NON_BLOCKING:
                hit = False
            if isinstance(target, ast.Attribute) and target.attr in DB_METHODS:
                owner = target.value
                owner_name = owner.attr if isinstance(owner, ast.Attribute) else None
                if isinstance(owner, ast.Name):
                    owner_name = owner.id
                hit = hit or owner_name in DB_OBJECTS
            if hit:
                found.append(f"{filename}:{call.lineno}: {ast.unparse(target)}() in {func.name}")
    return found


def test_no_async_route_or_dependency_blocks_the_event_loop() -> None:
    problems: list[str] = []
    for path in sorted(WEB.rglob("*.py")):
        problems += blocking_calls(path.read_text(encoding="utf-8"), str(path.relative_to(WEB)))
    assert problems == []


def test_the_check_finds_blocking_calls() -> None:
    """The checker itself: each of these would block the event loop."""
    source = """
from kurzum.storage import accounts
from kurzum.storage.articles import find_api_key
from kurzum.usecases import accounts as usecase
from argon2 import PasswordHasher

async def route(session, page, request):
    accounts.authenticate(session, "a", "b")
    find_api_key(session, "kz_x")
    usecase.login(session, None, "a", "b", "c")
    page.session.commit()
    session.execute("select 1")
    PasswordHasher().hash("pw")
    await run_in_threadpool(usecase.login, session)  # allowed: not called here
    helper = lambda: session.commit()  # allowed: runs wherever it is called
"""
    found = blocking_calls(source)
    assert len(found) == 6, found
