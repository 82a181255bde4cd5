"""Whether libpayment_sim loads; the one visible trace when native tests are left out."""

import pytest


def test_native_library_loads(native_load_error, native_required):
    if native_load_error is not None and not native_required:
        pytest.skip(f"libpayment_sim not loadable, native tests not collected: {native_load_error}")
    import payment_simulator._core as core

    assert core.lib.psim_abi_version() == 1
    assert core.native_version()
