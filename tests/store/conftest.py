"""Fixtures for the store tests live in tests/conftest.py (db_path, factory)."""
