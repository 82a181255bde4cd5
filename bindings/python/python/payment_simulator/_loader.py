"""Finding and loading libpayment_sim (cffi, ABI mode).

maturin (``bindings = "cffi"``) packages the library as ``payment_simulator/_native/``: the
shared library itself, ``ffi.py`` (the header's declarations compiled by cffi) and an
``__init__.py`` that dlopens the library. That generated module cannot honour an override or
report why it failed, so this loader reads ``ffi.py`` directly and opens the library itself,
trying in order:

1. the ``PSIM_LIBRARY`` environment variable (a path to ``libpayment_sim.so``),
2. the copy packaged inside ``payment_simulator/_native/``,
3. the system library path (``ctypes.util.find_library("payment_sim")``).

Every failure is reported together in one ImportError. Importing this module loads nothing:
``_core`` calls :func:`load` once at its own import. The library is opened with
``RTLD_NODELETE`` so leak checkers still see its symbols at exit. Without a packaged ``ffi.py``
(a source checkout), the declarations come from a C header instead: ``PSIM_HEADER``, else the
repository's ``include/payment_sim_cdef.h`` or ``include/payment_sim.h``.
"""

from __future__ import annotations

import ctypes.util
import importlib.util
import os
import re
import warnings
from pathlib import Path

import cffi

#: The C ABI generation this package speaks (``psim_abi_version()``).
EXPECTED_ABI_VERSION = 1

_PACKAGE_DIR = Path(__file__).resolve().parent
_NATIVE_DIR = _PACKAGE_DIR / "_native"
_PACKAGED_NAMES = ("lib_native.so", "lib_native.dylib", "_native.dll")  # maturin: lib{module}.so
# In a source checkout: bindings/python/python/payment_simulator -> the repository's include/.
_REPO_INCLUDE = _PACKAGE_DIR.parents[3] / "include" if len(_PACKAGE_DIR.parents) > 3 else None


def cdef_from_header(text: str) -> str:
    """Declarations cffi can parse from a C header: preprocessor lines and ``__cplusplus``
    blocks dropped, integer ``#define`` constants kept (cffi understands those)."""
    out: list[str] = []
    skip_depth = 0  # > 0 inside an `#ifdef __cplusplus` block
    for line in text.splitlines():
        directive = line.strip()
        if not directive.startswith("#"):
            if not skip_depth:
                out.append(line)
            continue
        if skip_depth:
            if re.match(r"#\s*if", directive):
                skip_depth += 1
            elif re.match(r"#\s*endif", directive):
                skip_depth -= 1
        elif re.match(r"#\s*if(?:def)?\s+(?:defined\s*\(?\s*)?__cplusplus", directive):
            skip_depth = 1
        elif m := re.match(r"#\s*define\s+(\w+)\s+(-?(?:0x[0-9a-fA-F]+|\d+))[uUlL]*\s*(?://.*|/\*.*\*/)?$", directive):
            out.append(f"#define {m[1]} {m[2]}")
    return "\n".join(out)


def _packaged_ffi() -> cffi.FFI:
    path = _NATIVE_DIR / "ffi.py"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist (the package was not built by maturin)")
    spec = importlib.util.spec_from_file_location("payment_simulator._native_declarations", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ffi


def _header_ffi() -> cffi.FFI:
    env = os.environ.get("PSIM_HEADER")
    tried = [Path(env)] if env else []
    if _REPO_INCLUDE is not None:  # the cdef-clean rendering first, then the C header
        tried += [_REPO_INCLUDE / "payment_sim_cdef.h", _REPO_INCLUDE / "payment_sim.h"]
    header = next((path for path in tried if path.is_file()), None)
    if header is None:
        raise FileNotFoundError(f"no C header at {', '.join(map(str, tried)) or '(none)'} (set PSIM_HEADER)")
    ffi = cffi.FFI()
    ffi.cdef(cdef_from_header(header.read_text(encoding="utf-8")))
    return ffi


def _make_ffi() -> cffi.FFI:
    reasons = []
    for source in (_packaged_ffi, _header_ffi):
        try:
            return source()
        except Exception as e:  # noqa: BLE001 - every reason is reported below
            reasons.append(f"{source.__name__.strip('_').replace('_', ' ')}: {e}")
    raise ImportError("no C declarations for libpayment_sim:\n" + "\n".join(f"  - {r}" for r in reasons))


def _candidates() -> list[tuple[str, str | None, str]]:
    """(label, path or None, why there is no path) in the order they are tried."""
    out = []
    env = os.environ.get("PSIM_LIBRARY")
    if env:
        out.append(("PSIM_LIBRARY", env, ""))
    packaged = next((_NATIVE_DIR / n for n in _PACKAGED_NAMES if (_NATIVE_DIR / n).is_file()), None)
    out.append(
        (
            "packaged copy",
            str(packaged) if packaged else None,
            f"no library in {_NATIVE_DIR} (the package was not built by maturin)",
        )
    )
    found = ctypes.util.find_library("payment_sim")
    out.append(("system library path", found, "find_library('payment_sim') found nothing"))
    return out


def load(candidates=None, make_ffi=_make_ffi):
    """Open the first usable library; return ``(ffi, lib, path)`` or raise one ImportError
    listing every attempt. (The arguments exist for tests.)"""
    ffi = make_ffi()
    flags = ffi.RTLD_NOW | getattr(ffi, "RTLD_NODELETE", 0)
    failures: list[str] = []
    for label, path, missing in candidates if candidates is not None else _candidates():
        if path is None:
            failures.append(f"{label}: {missing}")
            continue
        try:
            lib = ffi.dlopen(path, flags)
            abi = lib.psim_abi_version()
        except (OSError, AttributeError) as e:  # not loadable, or not this library
            failures.append(f"{label} ({path}): {e}")
            continue
        if abi != EXPECTED_ABI_VERSION:
            failures.append(f"{label} ({path}): ABI version {abi}, this package needs {EXPECTED_ABI_VERSION}")
            continue
        if failures and failures[0].startswith("PSIM_LIBRARY"):
            # An explicit override that does not work deserves more than silence.
            warnings.warn(f"{failures[0]}; using the {label} instead", RuntimeWarning, stacklevel=2)
        return ffi, lib, path
    raise ImportError(
        "could not load the payment-sim native library (libpayment_sim):\n"
        + "\n".join(f"  - {f}" for f in failures)
        + "\nInstall the package with `pip install ./bindings/python`, or set PSIM_LIBRARY to the "
        "path of libpayment_sim.so."
    )
