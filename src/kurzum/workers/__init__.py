"""Background work: task functions (shared with Celery), the reconciler, the in-process worker."""
