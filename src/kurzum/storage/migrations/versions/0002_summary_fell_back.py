"""A summary records whether its model-based backend fell back, as a column (not a note prefix).

Revision ID: 0002_fell_back
Revises: 0001
Create Date: 2026-11-29

Backfill: versions whose notes start with the old ``"llm fallback: "`` prefix get
``fell_back = true`` (the notes themselves stay: editors read the reason there).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_fell_back"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_PREFIX = "llm fallback: "


def upgrade() -> None:
    """Add ``summaries.fell_back`` and set it from the notes of existing versions."""
    with op.batch_alter_table("summaries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("fell_back", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    summaries = sa.table("summaries", sa.column("id", sa.Integer()), sa.column("notes", sa.JSON()))
    bind = op.get_bind()
    # JSON arrays are read in Python: the same code on SQLite and PostgreSQL, no JSON operators.
    ids = [
        row.id
        for row in bind.execute(sa.select(summaries.c.id, summaries.c.notes))
        if any(isinstance(n, str) and n.startswith(OLD_PREFIX) for n in (row.notes or []))
    ]
    target = sa.table("summaries", sa.column("id", sa.Integer()), sa.column("fell_back"))
    for start in range(0, len(ids), 500):
        bind.execute(
            sa.update(target)
            .where(target.c.id.in_(ids[start : start + 500]))
            .values(fell_back=sa.true())
        )


def downgrade() -> None:
    """Drop the column (the notes still carry the reason)."""
    with op.batch_alter_table("summaries", schema=None) as batch_op:
        batch_op.drop_column("fell_back")
