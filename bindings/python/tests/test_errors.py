"""The exception hierarchy (no native library needed)."""

import pytest
from payment_simulator import errors
from payment_simulator.errors import STATUS_EXCEPTIONS, PaymentSimError

# architecture.md's status list, in order; every one but OK has exactly one class.
STATUSES = [
    "PSIM_STATUS_NULL_ARG",
    "PSIM_STATUS_INVALID_UTF8",
    "PSIM_STATUS_INVALID_JSON",
    "PSIM_STATUS_INVALID_CONFIG",
    "PSIM_STATUS_INVALID_ARGUMENT",
    "PSIM_STATUS_NOT_FOUND",
    "PSIM_STATUS_SIMULATION_FINISHED",
    "PSIM_STATUS_POISONED",
    "PSIM_STATUS_PANIC",
    "PSIM_STATUS_HOST_POLICY",
]


def test_every_status_has_its_own_class():
    assert sorted(STATUS_EXCEPTIONS) == sorted(STATUSES)
    assert len(set(STATUS_EXCEPTIONS.values())) == len(STATUSES)
    for name, cls in STATUS_EXCEPTIONS.items():
        assert issubclass(cls, PaymentSimError) and cls.status == name


@pytest.mark.parametrize(
    "cls, base",
    [
        (errors.InvalidJsonError, ValueError),
        (errors.InvalidConfigError, ValueError),
        (errors.InvalidArgumentError, ValueError),
        (errors.InvalidUtf8Error, ValueError),
        (errors.NullArgumentError, ValueError),
        (errors.UnknownAgentError, KeyError),
        (errors.SimulationNotFoundError, KeyError),
        (errors.SimulationFinishedError, RuntimeError),
        (errors.PoisonedError, RuntimeError),
        (errors.NativePanicError, RuntimeError),
        (errors.HostPolicyError, RuntimeError),
        (errors.SimulationClosedError, RuntimeError),
    ],
)
def test_python_bases(cls, base):
    assert issubclass(cls, base) and issubclass(cls, PaymentSimError)


def test_config_errors_are_not_key_errors():
    # An unknown agent inside a configuration is an invalid configuration, not "not found".
    assert not issubclass(errors.InvalidConfigError, KeyError)


def test_key_error_subclasses_keep_the_message_readable():
    message = 'unknown agent "BANK_Z"'
    assert str(errors.UnknownAgentError(message)) == message  # KeyError would repr-quote it
    assert str(errors.SimulationNotFoundError("simulation not found: 'x'")) == "simulation not found: 'x'"
    with pytest.raises(KeyError, match="BANK_Z"):
        raise errors.UnknownAgentError(message)


def test_invalid_config_carries_its_problems():
    problems = [
        {
            "path": "simulation.ticks_per_day",
            "message": "simulation.ticks_per_day must be positive (got 0)",
            "value": 0,
        },
        {"path": "", "message": "the document must be a mapping"},
    ]
    e = errors.InvalidConfigError("bad", problems)
    assert e.problems == problems and str(e) == "bad"
    assert errors.InvalidConfigError("only").problems == [{"path": "", "message": "only"}]


@pytest.mark.parametrize("cls", sorted(STATUS_EXCEPTIONS.values(), key=lambda c: c.__name__))
def test_every_error_has_problems_with_paths(cls):
    # Without the core's list, one problem of the whole input: the message, path "".
    e = cls("what went wrong")
    assert e.problems == [{"path": "", "message": "what went wrong"}]
    assert str(e) == "what went wrong"
    assert cls("m", [{"path": "x", "message": "m"}]).problems == [{"path": "x", "message": "m"}]


def test_the_package_exports_the_hierarchy_without_loading_the_library():
    import payment_simulator

    assert payment_simulator.PaymentSimError is PaymentSimError
    assert "Orchestrator" in payment_simulator.__all__
