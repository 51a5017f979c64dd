"""Use cases: one function per thing a user or publisher does, owning its transaction.

Each function takes a database session (and, where work follows, a :class:`Dispatcher`),
changes state through :mod:`kurzum.storage`, commits, and only then wakes the workers.
API routes, HTML pages, the CLI and workers call these; none of them commits by itself.

Modules: :mod:`.editorial` (edit, approve, reject, retract, regenerate), :mod:`.accounts`
(register, login, logout), :mod:`.reports` (a reader's error report), :mod:`.articles`
(a publisher's put and delete).
"""
