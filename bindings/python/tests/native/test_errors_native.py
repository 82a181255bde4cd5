"""Every psim_status reaches Python as its own exception, with the library's message."""

import math

import pytest

from payment_simulator import _core
from payment_simulator._core import Orchestrator, ffi, lib
from payment_simulator.errors import (
    STATUS_EXCEPTIONS,
    InvalidArgumentError,
    InvalidConfigError,
    InvalidJsonError,
    InvalidUtf8Error,
    NativePanicError,
    NullArgumentError,
    PaymentSimError,
    PoisonedError,
    SimulationFinishedError,
    UnknownAgentError,
)


def test_the_declarations_carry_every_status():
    assert set(_core._STATUS_NAMES.values()) == {"PSIM_STATUS_OK", *STATUS_EXCEPTIONS}
    assert _core._OK == 0


@pytest.mark.parametrize("name", sorted(STATUS_EXCEPTIONS))
def test_check_maps_each_status(name):
    with pytest.raises(STATUS_EXCEPTIONS[name]):
        _core._check(getattr(lib, name))
    _core._check(lib.PSIM_STATUS_OK)


def test_an_unknown_status_is_still_an_error():
    with pytest.raises(PaymentSimError, match="unknown status 99"):
        _core._check(99)


def test_invalid_config(two_banks):
    with pytest.raises(InvalidConfigError, match="ticks_per_day must be positive") as raised:
        Orchestrator.new({"ticks_per_day": 0, "num_days": 1, "rng_seed": 123, "agent_configs": []})
    assert isinstance(raised.value, ValueError)
    assert str(raised.value) == _core.last_error()  # the library's own message, unaltered


def test_an_unknown_counterparty_in_a_config_is_invalid_config_not_not_found(two_banks):
    config = two_banks()
    config["agent_configs"][0]["arrival_config"] = {
        "rate_per_tick": 1,
        "distribution": {"type": "Normal", "mean": 1, "std_dev": 1},
        "counterparty_weights": {"BANK_Z": 1},
    }
    with pytest.raises(InvalidConfigError, match="BANK_Z") as raised:
        Orchestrator.new(config)
    assert not isinstance(raised.value, KeyError)


def test_a_non_finite_number_is_named_before_it_reaches_json(two_banks):
    config = two_banks()
    config["agent_configs"][0]["arrival_config"] = {
        "rate_per_tick": math.nan,
        "distribution": {"type": "Normal", "mean": 1, "std_dev": 1},
        "counterparty_weights": {"BANK_B": 1},
    }
    with pytest.raises(InvalidConfigError, match=r"agent_configs\[0\]\.arrival_config\.rate_per_tick"):
        Orchestrator.new(config)


@pytest.mark.parametrize("text", ["{", "[1, ", "not json", ""])
def test_invalid_json(text):
    with pytest.raises(InvalidJsonError):
        Orchestrator.restore(text)


def test_a_snapshot_of_the_wrong_shape_is_invalid_config():
    with pytest.raises(InvalidConfigError, match="snapshot"):
        Orchestrator.restore("{}")


def test_a_nul_in_a_snapshot_is_refused_not_truncated(config):
    snapshot = Orchestrator.new(config).snapshot()
    with pytest.raises(InvalidJsonError, match="NUL"):
        Orchestrator.restore(snapshot + "\0garbage")


@pytest.mark.parametrize(
    "tx, fragment",
    [
        ({"sender": "BANK_A", "receiver": "BANK_B", "amount": -5}, "amount"),
        ({"sender": "BANK_A", "receiver": "BANK_A", "amount": 5}, "BANK_A"),
        ({"sender": "BANK_A", "receiver": "BANK_B", "amount": 5, "priority": 11}, "priority"),
        ({"sender": "BANK_A", "receiver": "BANK_B", "amount": 5, "deadline_offset": 0}, "deadline_offset"),
        ({"sender": "BANK_A", "receiver": "BANK_B", "amount": 5, "colour": "red"}, "colour"),
        ({"sender": "BANK_A", "receiver": "BANK_B"}, "amount"),
        ({"sender": "BANK_A", "receiver": "BANK_B", "amount": math.inf}, "amount"),
    ],
)
def test_invalid_transactions(config, tx, fragment):
    with pytest.raises(InvalidArgumentError, match=fragment):
        Orchestrator.new(config).submit_transaction(tx)


@pytest.mark.parametrize(
    "call",
    [
        lambda o: o.get_agent_balance("NOPE"),
        lambda o: o.get_queue1_size("NOPE"),
        lambda o: o.submit_transaction({"sender": "NOPE", "receiver": "BANK_B", "amount": 5}),
        lambda o: o.submit_transaction({"sender": "BANK_A", "receiver": "NOPE", "amount": 5}),
    ],
)
def test_unknown_agents(config, call):
    with pytest.raises(UnknownAgentError) as raised:
        call(Orchestrator.new(config))
    assert isinstance(raised.value, KeyError)
    assert "NOPE" in str(raised.value) and not str(raised.value).startswith("'")


def test_an_id_with_nul_is_unknown_not_truncated(config):
    with pytest.raises(UnknownAgentError):
        Orchestrator.new(config).get_agent_balance("BANK_A\0")


def test_invalid_utf8_from_python(config):
    orch = Orchestrator.new(config)
    with pytest.raises(InvalidUtf8Error):
        orch.get_agent_balance("BANK_\udc80")
    with pytest.raises(InvalidUtf8Error):
        orch.submit_transaction({"sender": "BANK_\udc80", "receiver": "BANK_B", "amount": 5})


def test_invalid_utf8_from_the_library(config):
    orch = Orchestrator.new(config)
    out = ffi.new("int64_t *")
    with orch._lock:
        status = lib.psim_sim_agent_balance(orch._live_handle(), b"BANK_\xff", out)
    with pytest.raises(InvalidUtf8Error):
        _core._check(status)


def test_null_arguments_from_the_library():
    with pytest.raises(NullArgumentError, match="sim"):
        _core._check(lib.psim_sim_state(ffi.NULL, ffi.new("char **")))


def test_simulation_finished(two_banks):
    orch = Orchestrator.new(two_banks(ticks_per_day=2))
    orch.tick(), orch.tick()
    with pytest.raises(SimulationFinishedError) as raised:
        orch.tick()
    assert isinstance(raised.value, RuntimeError)
    with pytest.raises(SimulationFinishedError):
        orch.submit_transaction({"sender": "BANK_A", "receiver": "BANK_B", "amount": 5})
    assert orch.current_tick() == 2  # nothing changed


def test_panic_then_poisoned(config):
    orch = Orchestrator.new(config)
    with orch._lock:
        status = lib.psim_sim_debug_panic(orch._live_handle())
    with pytest.raises(NativePanicError, match="deliberate panic"):
        _core._check(status)
    with pytest.raises(PoisonedError):
        orch.tick()
    with pytest.raises(PoisonedError):
        orch.get_agent_balance("BANK_A")
    orch.close()  # a poisoned handle is freed normally
