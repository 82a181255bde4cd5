"""The library loader's search order and error reporting, with stand-in libraries built by
the C compiler (no libpayment_sim needed)."""

import shutil
import subprocess
import warnings

import cffi
import pytest

from payment_simulator import _loader

CDEF = "uint32_t psim_abi_version(void);"


def _ffi():
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    return ffi


@pytest.fixture(scope="module")
def fake_libs(tmp_path_factory):
    """Two stand-ins exporting psim_abi_version(): one speaks ABI 1, the other ABI 2."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("no C compiler to build stand-in libraries")
    root = tmp_path_factory.mktemp("fake")
    source = root / "fake.c"
    source.write_text("#include <stdint.h>\nuint32_t psim_abi_version(void) { return ABI; }\n")
    libs = {}
    for abi in (1, 2):
        out = root / f"libfake{abi}.so"
        subprocess.run([compiler, "-shared", "-fPIC", f"-DABI={abi}", "-o", str(out), str(source)], check=True)
        libs[abi] = str(out)
    return libs


def test_first_usable_candidate_wins(fake_libs):
    ffi, lib, path = _loader.load(
        candidates=[("packaged copy", fake_libs[1], ""), ("system library path", fake_libs[2], "")], make_ffi=_ffi
    )
    assert path == fake_libs[1] and lib.psim_abi_version() == 1


def test_every_failure_is_reported_together(fake_libs, tmp_path):
    candidates = [
        ("PSIM_LIBRARY", str(tmp_path / "missing.so"), ""),
        ("packaged copy", None, "no library in /pkg/_native"),
        ("system library path", fake_libs[2], ""),
    ]
    with pytest.raises(ImportError) as raised:
        _loader.load(candidates=candidates, make_ffi=_ffi)
    message = str(raised.value)
    assert "PSIM_LIBRARY" in message and "missing.so" in message
    assert "no library in /pkg/_native" in message
    assert "ABI version 2, this package needs 1" in message
    assert "PSIM_LIBRARY to the path" in message  # says how to fix it


def test_a_library_without_the_symbol_is_a_reported_failure(fake_libs):
    ffi = cffi.FFI()
    ffi.cdef("uint32_t psim_abi_version(void); int psim_missing(void);")
    with pytest.raises(ImportError, match="libc"):
        # libc loads but is not libpayment_sim: no psim_abi_version.
        _loader.load(candidates=[("system library path", "libc.so.6", "")], make_ffi=lambda: ffi)


def test_a_broken_override_warns_when_a_fallback_is_used(fake_libs, tmp_path):
    candidates = [("PSIM_LIBRARY", str(tmp_path / "nope.so"), ""), ("packaged copy", fake_libs[1], "")]
    with pytest.warns(RuntimeWarning, match="PSIM_LIBRARY"):
        _, _, path = _loader.load(candidates=candidates, make_ffi=_ffi)
    assert path == fake_libs[1]


def test_no_warning_without_an_override(fake_libs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _loader.load(candidates=[("packaged copy", None, "absent"), ("system", fake_libs[1], "")], make_ffi=_ffi)


def test_psim_library_comes_first(monkeypatch, fake_libs):
    monkeypatch.setenv("PSIM_LIBRARY", fake_libs[2])
    labels = [label for label, _, _ in _loader._candidates()]
    assert labels == ["PSIM_LIBRARY", "packaged copy", "system library path"]
    monkeypatch.delenv("PSIM_LIBRARY")
    assert [label for label, _, _ in _loader._candidates()][0] == "packaged copy"


HEADER = """\
/* payment_sim.h: generated */
#ifndef PAYMENT_SIM_H
#define PAYMENT_SIM_H

#include <stdint.h>

#define PSIM_VERSION_MAJOR 0
#define PSIM_ABI_VERSION 1
#define PSIM_NAME "payment-sim"

/**
 * # Safety: documented.
 */
typedef enum psim_status {
    PSIM_STATUS_OK = 0,
    PSIM_STATUS_NULL_ARG = 1,
} psim_status;

typedef struct psim_sim psim_sim_t;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

uint32_t psim_abi_version(void);
psim_status psim_sim_new(const char *config_json, psim_sim_t **sim_out);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* PAYMENT_SIM_H */
"""


def test_cdef_from_header_is_parseable_by_cffi():
    cdef = _loader.cdef_from_header(HEADER)
    assert "#include" not in cdef and "extern" not in cdef and "PSIM_NAME" not in cdef
    ffi = cffi.FFI()
    ffi.cdef(cdef)  # raises on anything cffi cannot parse
    lib = ffi.dlopen(None)
    assert lib.PSIM_ABI_VERSION == 1 and lib.PSIM_STATUS_NULL_ARG == 1
