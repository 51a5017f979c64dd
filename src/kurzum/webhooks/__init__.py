"""Webhooks to a publication's CMS: Standard Webhooks signing, versioned event payloads and the
address check that keeps deliveries away from internal networks (SSRF).

Pure modules (no database): :mod:`signing`, :mod:`events`; :mod:`targets` resolves names
through an injectable resolver. The outbox rows live in :mod:`kurzum.storage.outbox`, the
sending in :mod:`kurzum.workers.tasks`.
"""
