"""Archive scale: bulk import of JSONL archives and rate-limited backfill of summaries."""
