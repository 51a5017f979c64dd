"""Publications keep the ranker calibration fitted on their own archive (``kurzum calibrate``).

Revision ID: 0005_publication_calibration
Revises: 0004_embedding
Create Date: 2026-11-29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_publication_calibration"
down_revision: str | Sequence[str] | None = "0004_embedding"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calibration", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(
            sa.Column("calibration_fitted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("calibration_articles", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("calibration_scores", sa.JSON(none_as_null=True), nullable=True)
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_column("calibration_scores")
        batch_op.drop_column("calibration_articles")
        batch_op.drop_column("calibration_fitted_at")
        batch_op.drop_column("calibration")
