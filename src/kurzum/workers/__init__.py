"""Background work: task functions (shared with Celery), the reconciler, the in-process worker."""

# Celery is the `celery` extra: what imports it says so in one line when it is missing.
CELERY_MISSING = "Celery is not installed: pip install 'kurzum[celery]'"
