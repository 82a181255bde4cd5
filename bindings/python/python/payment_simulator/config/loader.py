"""Reading configuration files: the core parses, checks and normalises them.

There is no YAML or JSON parser and no rule here: the text goes to the core as it is
(``psim_config_normalize``), which reads YAML 1.2 or JSON, scenario or machine format, and
reports every problem with its path. Python adds only the file name to the message.
"""

from __future__ import annotations

from pathlib import Path

from .model import SimulationConfig, read_config_file

FORMATS = ("yaml", "json")


def parse_config(text: str | bytes, *, fmt: str = "yaml", source: str = "<string>") -> SimulationConfig:
    """Validate a scenario (or machine-format) document given as text.

    The core tells YAML from JSON itself; ``fmt`` (``"yaml"`` or ``"json"``) is kept for
    callers that pass it. Text in neither format raises
    :class:`~payment_simulator.errors.InvalidJsonError`, a document that breaks a rule
    :class:`~payment_simulator.errors.InvalidConfigError`; both name ``source``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected 'yaml' or 'json')")
    return SimulationConfig.from_text(text, source)


def load_config(path: str | Path) -> SimulationConfig:
    """Load and validate a configuration file (YAML or JSON, either shape), as the CLI does.

    Raises FileNotFoundError for a missing file, :class:`~payment_simulator.errors.InvalidJsonError`
    for text that is neither YAML nor JSON, and :class:`~payment_simulator.errors.InvalidConfigError`
    (a ValueError) whose message names the file and every bad field, and whose ``problems``
    give each with its path. Files the document names (an agent's ``policy: {file: ...}``, a
    network's ``flows_file``) are read relative to it.
    """
    return SimulationConfig.from_file_text(read_config_file(path), path)


__all__ = ["load_config", "parse_config"]
