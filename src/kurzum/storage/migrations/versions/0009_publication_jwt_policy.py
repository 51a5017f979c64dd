"""Publication JWT policy: optional issuer check and whether ``valid_until`` is required.

Revision ID: 0009_publication_jwt_policy
Revises: 0008_webhooks
Create Date: 2026-11-29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009_publication_jwt_policy"
down_revision: str | Sequence[str] | None = "0008_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add ``jwt_issuer`` (NULL: not checked) and ``jwt_require_valid_until`` (default true)."""
    op.add_column("publications", sa.Column("jwt_issuer", sa.String(length=200), nullable=True))
    op.add_column(
        "publications",
        sa.Column(
            "jwt_require_valid_until", sa.Boolean(), nullable=False, server_default=sa.true()
        ),
    )


def downgrade() -> None:
    """Drop the two columns."""
    with op.batch_alter_table("publications") as batch:
        batch.drop_column("jwt_require_valid_until")
        batch.drop_column("jwt_issuer")
