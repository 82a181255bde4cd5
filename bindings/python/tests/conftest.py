"""Shared test setup.

Tests that need libpayment_sim live in ffi/, integration/, native/ and
api/test_lifecycle_manager.py. When the library cannot be loaded they are not collected (the
seed's files import payment_simulator._core at module level, so they cannot even be imported)
and test_native_library.py reports why, as a skip. Under CI (CI or PSIM_REQUIRE_NATIVE set)
nothing is left out: a missing library fails the run.
"""

from __future__ import annotations

import os

import pytest

NATIVE_TESTS = ["ffi/*", "integration/*", "native/*", "api/test_lifecycle_manager.py"]

try:
    import payment_simulator._core as _core

    NATIVE_ERROR: ImportError | None = None
except ImportError as e:  # the library is missing or unusable
    _core = None
    NATIVE_ERROR = e

NATIVE_REQUIRED = any(os.environ.get(v, "") not in ("", "0", "false") for v in ("PSIM_REQUIRE_NATIVE", "CI"))

if NATIVE_ERROR is not None and not NATIVE_REQUIRED:
    collect_ignore_glob = NATIVE_TESTS


def pytest_report_header(config):
    if _core is not None:
        return f"libpayment_sim: {_core.library_path} (version {_core.native_version()})"
    first_line = str(NATIVE_ERROR).splitlines()[0]
    return f"libpayment_sim: NOT LOADED ({first_line}); native tests not collected"


def pytest_collection_modifyitems(config, items):
    native_dirs = {"ffi", "integration", "native"}
    for item in items:
        parts = item.path.parts
        if native_dirs & set(parts) or item.path.name == "test_lifecycle_manager.py":
            item.add_marker(pytest.mark.native)


@pytest.fixture(scope="session")
def native_load_error() -> ImportError | None:
    """Why libpayment_sim could not be loaded (None when it loaded)."""
    return NATIVE_ERROR


@pytest.fixture(scope="session")
def native_required() -> bool:
    return NATIVE_REQUIRED
