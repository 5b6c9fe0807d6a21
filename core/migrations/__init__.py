"""Alembic environment of kjgl: one version branch for the core and one per plugin."""
