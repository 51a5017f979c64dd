"""Editor pages, one module per concept, all under ``/editor``.

- :mod:`.queue`: the review queue, its filters, which versions it lists and in what order;
- :mod:`.review`: the review page of one version;
- :mod:`.actions`: the form actions (save, approve, bulk approve, reject, retract, restore,
  regenerate), each a post/redirect/get through :mod:`kurzum.usecases.editorial`;
- :mod:`.failures`: articles whose summary could not be made, and their retry.

The live check while typing is in :mod:`kurzum.web.pages.check`, the version history in
:mod:`kurzum.web.pages.history`.
"""

from __future__ import annotations

from fastapi import APIRouter

from kurzum.web.pages.editor import actions, failures, queue, review

__all__ = ["router"]

router = APIRouter()
router.include_router(queue.router)
router.include_router(review.router)
router.include_router(actions.router)
router.include_router(failures.router)
