"""Helpers the test modules share: plain functions and data, no tests and no fixtures (those live in the
conftest.py files). A test module imports from here, never from another test module (tests/unit/test_test_layout.py
checks that)."""
