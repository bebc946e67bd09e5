"""The first schema: employers and their people, specialists, job seekers, visits,
openings, job-fit notes, job starts and program goals.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "employers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("job_types", sa.JSON(), nullable=False),
        sa.Column("street", sa.String(length=300), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("zip", sa.String(length=10), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("hours_note", sa.String(length=300), nullable=True),
        sa.Column("wage_min", sa.Integer(), nullable=True),
        sa.Column("wage_max", sa.Integer(), nullable=True),
        sa.Column("bus_access", sa.Boolean(), nullable=True),
        sa.Column("do_not_contact", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employers")),
        sa.UniqueConstraint("external_id", name=op.f("uq_employers_external_id")),
    )
    op.create_index(op.f("ix_employers_industry"), "employers", ["industry"], unique=False)
    op.create_index(op.f("ix_employers_name_key"), "employers", ["name_key"], unique=False)
    op.create_index(op.f("ix_employers_phone"), "employers", ["phone"], unique=False)
    op.create_index(op.f("ix_employers_zip"), "employers", ["zip"], unique=False)
    op.create_table(
        "program_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_goals")),
    )
    op.create_table(
        "specialists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("office_zip", sa.String(length=10), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekly_contact_target", sa.Integer(), nullable=False),
        sa.Column("work_days", sa.String(length=40), nullable=False),
        sa.Column("work_start", sa.Time(), nullable=False),
        sa.Column("work_end", sa.Time(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_specialists")),
        sa.UniqueConstraint("code", name=op.f("uq_specialists_code")),
    )
    op.create_table(
        "employer_people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("makes_hiring_decisions", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employers.id"],
            name=op.f("fk_employer_people_employer_id_employers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer_people")),
    )
    op.create_index(
        op.f("ix_employer_people_employer_id"), "employer_people", ["employer_id"], unique=False
    )
    op.create_table(
        "job_openings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("job_type", sa.String(length=100), nullable=True),
        sa.Column("hours_per_week", sa.Float(), nullable=True),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("wage", sa.Integer(), nullable=True),
        sa.Column("advertised", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("learned_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_job_openings_employer_id_employers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_openings")),
    )
    op.create_index(
        op.f("ix_job_openings_employer_id"), "job_openings", ["employer_id"], unique=False
    )
    op.create_table(
        "job_seekers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("specialist_id", sa.Integer(), nullable=True),
        sa.Column("ips_start", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["specialist_id"],
            ["specialists.id"],
            name=op.f("fk_job_seekers_specialist_id_specialists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_seekers")),
        sa.UniqueConstraint("code", name=op.f("uq_job_seekers_code")),
    )
    op.create_index(
        op.f("ix_job_seekers_specialist_id"), "job_seekers", ["specialist_id"], unique=False
    )
    op.create_table(
        "job_fit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.Column("overall", sa.String(length=30), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["specialists.id"], name=op.f("fk_job_fit_notes_author_id_specialists")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_job_fit_notes_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["opening_id"],
            ["job_openings.id"],
            name=op.f("fk_job_fit_notes_opening_id_job_openings"),
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["job_seekers.id"], name=op.f("fk_job_fit_notes_seeker_id_job_seekers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_fit_notes")),
    )
    op.create_index(
        op.f("ix_job_fit_notes_employer_id"), "job_fit_notes", ["employer_id"], unique=False
    )
    op.create_index(
        op.f("ix_job_fit_notes_seeker_id"), "job_fit_notes", ["seeker_id"], unique=False
    )
    op.create_table(
        "job_starts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("job_type", sa.String(length=100), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=True),
        sa.Column("wage", sa.Integer(), nullable=True),
        sa.Column("competitive", sa.Boolean(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("end_reason", sa.String(length=30), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_job_starts_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["opening_id"], ["job_openings.id"], name=op.f("fk_job_starts_opening_id_job_openings")
        ),
        sa.ForeignKeyConstraint(
            ["seeker_id"], ["job_seekers.id"], name=op.f("fk_job_starts_seeker_id_job_seekers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_starts")),
    )
    op.create_index(op.f("ix_job_starts_employer_id"), "job_starts", ["employer_id"], unique=False)
    op.create_index(op.f("ix_job_starts_seeker_id"), "job_starts", ["seeker_id"], unique=False)
    op.create_table(
        "visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=30), nullable=False),
        sa.Column("purpose", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("seeker_present", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"], ["employers.id"], name=op.f("fk_visits_employer_id_employers")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["employer_people.id"],
            name=op.f("fk_visits_person_id_employer_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["specialist_id"], ["specialists.id"], name=op.f("fk_visits_specialist_id_specialists")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
    )
    op.create_index("ix_visits_employer_at", "visits", ["employer_id", "at"], unique=False)
    op.create_index("ix_visits_specialist_at", "visits", ["specialist_id", "at"], unique=False)
    op.create_table(
        "visit_seekers",
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("seeker_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seeker_id"],
            ["job_seekers.id"],
            name=op.f("fk_visit_seekers_seeker_id_job_seekers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visits.id"],
            name=op.f("fk_visit_seekers_visit_id_visits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("visit_id", "seeker_id", name=op.f("pk_visit_seekers")),
    )
    op.create_index(
        op.f("ix_visit_seekers_seeker_id"), "visit_seekers", ["seeker_id"], unique=False
    )


def downgrade() -> None:
    for table in (
        "visit_seekers",
        "job_starts",
        "job_fit_notes",
        "job_openings",
        "visits",
        "job_seekers",
        "employer_people",
        "program_goals",
        "specialists",
        "employers",
    ):
        op.drop_table(table)
