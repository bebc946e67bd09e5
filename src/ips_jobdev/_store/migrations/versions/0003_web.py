"""The web app: calendar feed tokens, and the ids browsers give the visits they send
(so a visit queued offline and sent twice is stored once).

Revision ID: 0003_web
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_web"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feed_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["specialist_id"],
            ["specialists.id"],
            name=op.f("fk_feed_tokens_specialist_id_specialists"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feed_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_feed_tokens_specialist_id"), "feed_tokens", ["specialist_id"], unique=False
    )
    op.create_table(
        "client_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_client_submissions_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_submissions")),
        sa.UniqueConstraint("client_id", name=op.f("uq_client_submissions_client_id")),
    )
    op.create_index(
        op.f("ix_client_submissions_visit_id"), "client_submissions", ["visit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_client_submissions_visit_id"), table_name="client_submissions")
    op.drop_table("client_submissions")
    op.drop_index(op.f("ix_feed_tokens_specialist_id"), table_name="feed_tokens")
    op.drop_table("feed_tokens")
