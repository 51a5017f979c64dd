"""Webhooks: a stable message id per delivery and the attempt log.

Revision ID: 0008_webhooks
Revises: 0007_worker_leases
Create Date: 2026-11-29

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008_webhooks"
down_revision: str | Sequence[str] | None = "0007_worker_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add message ids (existing rows get ``msg_legacy_<id>``) and the attempts table."""
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_id", sa.String(length=64), nullable=True))
    op.execute("UPDATE webhook_deliveries SET message_id = 'msg_legacy_' || id")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_webhook_deliveries_message_id"), ["message_id"]
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_publication_id_id"), ["publication_id", "id"]
        )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name=op.f("fk_webhook_attempts_delivery_id_webhook_deliveries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_attempts_delivery_id"), ["delivery_id"])


def downgrade() -> None:
    """Drop what upgrade added."""
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_attempts_delivery_id"))
    op.drop_table("webhook_attempts")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_publication_id_id"))
        batch_op.drop_constraint(batch_op.f("uq_webhook_deliveries_message_id"), type_="unique")
        batch_op.drop_column("message_id")
