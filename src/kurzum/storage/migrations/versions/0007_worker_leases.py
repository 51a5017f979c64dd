"""Worker leases and heartbeats, and the configuration a failure happened under.

Revision ID: 0007_worker_leases
Revises: 0006_editor_desk
Create Date: 2026-11-29

``articles.leased_by`` names the worker process running an article's job and
``articles.leased_at`` when it was sent to the broker or taken by a worker: the reconciler sends
an article again as soon as its holder stops beating (``worker_heartbeats``) instead of waiting
for the broker's visibility timeout. ``articles.failed_config`` is the fingerprint of the
worker configuration that failed, so a changed configuration wakes failed articles.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_worker_leases"
down_revision: str | Sequence[str] | None = "0006_editor_desk"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("leased_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("leased_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_config", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=100), nullable=False),
        sa.Column("hostname", sa.String(length=200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("config", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_heartbeats_beat_at"), ["beat_at"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_heartbeats_beat_at"))
    op.drop_table("worker_heartbeats")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("failed_at")
        batch_op.drop_column("failed_config")
        batch_op.drop_column("leased_at")
        batch_op.drop_column("leased_by")
