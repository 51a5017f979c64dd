"""Embedding: per-publication CORS origins, frame ancestors, login URL and subscribe offers.

Revision ID: 0004_embedding
Revises: 0003_api_key_last_used
Create Date: 2026-11-29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_embedding"
down_revision: str | Sequence[str] | None = "0003_api_key_last_used"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the four embedding columns (existing publications: nothing allowed, no offers)."""
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("allowed_origins", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(
            sa.Column("frame_ancestors", sa.JSON(), nullable=False, server_default="[]")
        )
        batch_op.add_column(sa.Column("login_url", sa.String(length=2000), nullable=True))
        batch_op.add_column(
            sa.Column("subscribe_offers", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade() -> None:
    """Drop the embedding columns."""
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_column("subscribe_offers")
        batch_op.drop_column("login_url")
        batch_op.drop_column("frame_ancestors")
        batch_op.drop_column("allowed_origins")
