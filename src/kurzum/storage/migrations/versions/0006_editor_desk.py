"""Editor desk: publication time zone, sticky retraction, throttled reader reports.

``publications.time_zone`` is the zone editors see times in; ``articles.held`` keeps an article
off the reader pages after a retraction until an editor publishes again (a CMS update makes a
draft, never a published summary); ``error_reports.client_key`` (a hash of the client address)
throttles "Fehler melden" per client.

Revision ID: 0006_editor_desk
Revises: 0005_publication_calibration
Create Date: 2026-11-29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_editor_desk"
down_revision: str | Sequence[str] | None = "0005_publication_calibration"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the three columns with server defaults (plain ALTER TABLE ADD COLUMN on SQLite and
    PostgreSQL: no table is rebuilt, so no foreign-key cascade can touch existing rows)."""
    op.add_column(
        "publications",
        sa.Column(
            "time_zone", sa.String(length=64), nullable=False, server_default="Europe/Zurich"
        ),
    )
    op.add_column(
        "articles", sa.Column("held", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("error_reports", sa.Column("client_key", sa.String(length=64), nullable=True))
    op.create_index("ix_error_reports_client_key", "error_reports", ["client_key", "created_at"])


def downgrade() -> None:
    """Drop them again (ALTER TABLE DROP COLUMN: SQLite 3.35+ and PostgreSQL)."""
    op.drop_index("ix_error_reports_client_key", table_name="error_reports")
    for table, column in (
        ("error_reports", "client_key"),
        ("articles", "held"),
        ("publications", "time_zone"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
