"""Issue 10's reproducers of "one request kills the server", each ending in a clear 4xx before
any work, with the server and every other simulation still answering; and the budgets behind
them: work per tick at creation, work per request, unsettled transactions per simulation."""

from __future__ import annotations

import pytest

BYSTANDER = {
    "simulation": {"ticks_per_day": 100, "num_days": 1, "seed": 3},
    "agents": [
        {"id": "BANK_A", "balance": 100_000, "policy": {"type": "Fifo"}},
        {"id": "BANK_B", "balance": 100_000, "policy": {"type": "Fifo"}},
    ],
}


def busy(
    rate: float,
    *,
    max_parts: int | None = None,
    ticks_per_day: int = 1_000,
    num_days: int = 1_000,
    balance: int = 10**12,
    seed: int = 5,
    deadline_mode: str = "drop",
) -> dict:
    """Two banks paying each other ``rate`` orders per tick in all, every order split into up to
    ``max_parts`` parts when given."""
    policy: dict = {"type": "Fifo"}
    if max_parts is not None:
        policy["split"] = {"threshold": 1, "max_parts": max_parts}
    return {
        "simulation": {
            "ticks_per_day": ticks_per_day,
            "num_days": num_days,
            "seed": seed,
            "deadline_mode": deadline_mode,
        },
        "agents": [
            {
                "id": bank,
                "balance": balance,
                "policy": policy,
                "arrival_config": {
                    "rate_per_tick": rate / 2,
                    "distribution": {"type": "Uniform", "min": 1_000, "max": 100_000},
                    "counterparty_weights": {other: 1.0},
                    "deadline_offset": 500,
                },
            }
            for bank, other in (("BANK_A", "BANK_B"), ("BANK_B", "BANK_A"))
        ],
    }


@pytest.fixture
def bystander(client) -> str:
    sim = client.post("/simulations", json=BYSTANDER).json()["simulation_id"]
    assert client.post(f"/simulations/{sim}/tick").status_code == 200
    return sim


def still_answering(client, *sims: str) -> None:
    assert client.get("/health").json()["status"] == "healthy"
    for sim in sims:
        assert client.get(f"/simulations/{sim}/state").status_code == 200
    assert client.post("/simulations", json=BYSTANDER).status_code == 200


def test_ten_million_split_parts_per_tick_are_refused_at_creation(client, bystander, error_of):
    """Issue 10, finding 1: Σ rate_per_tick = 10,000 (within max_arrival_rate) split into up to
    1,000 parts each is 10⁷ transactions in one tick; the core's workload says so first."""
    response = client.post("/simulations", json=busy(10_000, max_parts=1_000))
    error = error_of(response, 422, "work_limit")
    assert "max_transactions_per_tick (PSIM_MAX_TRANSACTIONS_PER_TICK) of 100000" in error["message"]
    assert "e+07 transactions per tick" in error["message"]  # 10⁷, or a bit more
    assert error["fields"][0]["field"] == "agents"
    assert len(client.get("/simulations").json()["simulations"]) == 1  # nothing was created
    still_answering(client, bystander)


def test_the_work_limit_is_a_setting(make_client, error_of):
    client = make_client(max_transactions_per_tick=50)
    # An order split into up to 3 parts is 1 + 3 transactions at most.
    error_of(client.post("/simulations", json=busy(20, max_parts=3)), 422, "work_limit")  # 20 × 4 > 50
    assert client.post("/simulations", json=busy(12, max_parts=3)).status_code == 200  # 12 × 4 ≤ 50


def test_agents_and_arrivals_are_still_limited(make_client, error_of, tmp_path):
    client = make_client(max_agents=1)
    error = error_of(client.post("/simulations", json=BYSTANDER), 422, "agent_limit")
    assert "max_agents (PSIM_MAX_AGENTS)" in error["message"]
    client = make_client(tmp_path / "arrivals", max_arrival_rate=5)
    error = error_of(client.post("/simulations", json=busy(6)), 422, "arrival_limit")
    assert "max_arrival_rate (PSIM_MAX_ARRIVAL_RATE)" in error["message"]


@pytest.mark.parametrize("endpoint, name, count", [("tick", "n", 1_000), ("run", "ticks", 100_000)])
def test_a_request_over_the_work_budget_is_refused_before_any_work(
    client, bystander, error_of, endpoint, name, count
):
    """Issue 10, finding 1: with events on, `tick?n=1000` and `run?ticks=100000` grew the event
    log until the process aborted. 10,000 expected transactions per tick (a permitted simulation:
    2,500 orders, each up to 1 + 3 transactions) times those ticks is over the default budget of
    1,000,000 per request."""
    sim = client.post("/simulations", json=busy(2_500, max_parts=3)).json()["simulation_id"]
    response = client.post(f"/simulations/{sim}/{endpoint}", params={name: count})
    error = error_of(response, 422, "work_budget")
    assert "max_transactions_per_request (PSIM_MAX_TRANSACTIONS_PER_REQUEST) is 1000000" in error["message"]
    assert "ask for at most 100 ticks" in error["message"]
    assert error["fields"] == [{"field": name, "message": "at most 100 at this simulation's expected work"}]
    assert client.get(f"/simulations/{sim}/state").json()["tick"] == 0  # nothing ran
    assert client.get(f"/simulations/{sim}/events").json()["events"] == []
    ok = client.post(f"/simulations/{sim}/{endpoint}", params={name: 2})  # within the budget: runs
    assert ok.status_code == 200, ok.text
    still_answering(client, sim, bystander)


def test_a_budget_reached_by_the_random_tail_stops_the_run_and_keeps_its_ticks(make_client, tmp_path):
    """Expected work at the budget: the Poisson draws cross it before the last tick in about
    four runs in ten. The run stops after the tick that reached it; the ticks that ran are stored."""
    data = tmp_path / "tail"
    client = make_client(data, max_transactions_per_request=400)
    stopped = None
    for seed in range(1, 30):
        sim = client.post("/simulations", json=busy(4, seed=seed)).json()["simulation_id"]
        summary = client.post(f"/simulations/{sim}/run", params={"ticks": 100}).json()  # 100 × 4 = 400
        assert summary["num_arrivals"] <= 400 + 20  # at most one tick beyond the budget
        if summary.get("stopped_by_budget"):
            stopped = (sim, summary)
            break
        assert summary["ticks_run"] == 100
    assert stopped is not None, "no seed crossed the budget early"
    sim, summary = stopped
    assert summary["ticks_run"] < 100 and summary["num_arrivals"] >= 400
    assert client.get(f"/simulations/{sim}/state").json()["tick"] == summary["ticks_run"]
    tick = client.post(f"/simulations/{sim}/tick", params={"n": 10}).json()
    if tick.get("stopped_by_budget"):
        assert tick["ticks_run"] < 10
    else:
        assert "ticks_run" not in tick
    ran = client.get(f"/simulations/{sim}/state").json()["tick"]
    client.__exit__(None, None, None)  # the server stops
    restarted = make_client(data, max_transactions_per_request=400)  # the stopped run was stored
    assert restarted.get(f"/simulations/{sim}/state").json()["tick"] == ran


def test_unsettled_transactions_are_capped_per_simulation(make_client, error_of):
    """No liquidity and no drops: every order stays queued, and memory would grow without end.
    The run stops at the cap, and the simulation then refuses more work (409)."""
    client = make_client(max_live_transactions=300)
    sim = client.post("/simulations", json=busy(50, balance=0, deadline_mode="overdue")).json()["simulation_id"]
    summary = client.post(f"/simulations/{sim}/run", params={"ticks": 1_000}).json()
    assert summary.get("stopped_by_budget") and summary["ticks_run"] < 1_000
    live = client.get(f"/simulations/{sim}/state").json()["queue2_size"]
    assert 300 <= live <= 300 + 100  # the cap, and at most one tick's orders beyond it
    error = error_of(client.post(f"/simulations/{sim}/tick"), 409, "transaction_limit")
    assert "max_live_transactions (PSIM_MAX_LIVE_TRANSACTIONS) is 300" in error["message"]
    tx = {"sender": "BANK_A", "receiver": "BANK_B", "amount": 1}
    error_of(client.post(f"/simulations/{sim}/transactions", json=tx), 409, "transaction_limit")
    assert client.get(f"/simulations/{sim}/stats").status_code == 200  # reads still answer
    assert client.delete(f"/simulations/{sim}").status_code == 200


def test_a_tick_must_fit_in_the_request_budget(make_client, error_of):
    client = make_client(max_transactions_per_request=30)
    error = error_of(client.post("/simulations", json=busy(40)), 422, "work_limit")
    assert "max_transactions_per_request (PSIM_MAX_TRANSACTIONS_PER_REQUEST) of 30" in error["message"]


def test_configuration_documents_are_read_a_few_at_a_time(make_client, monkeypatch):
    """The core's reader needs ~12× a YAML body while it works: at most
    max_concurrent_creations bodies are read at once, the others wait (holding no thread)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from payment_simulator.api.deps import service_of

    client = make_client(max_concurrent_creations=2)
    service = service_of(client.app)
    real = service.create_from_body
    inside, peak, guard = [0], [0], threading.Lock()

    def slow(body):
        with guard:
            inside[0] += 1
            peak[0] = max(peak[0], inside[0])
        try:
            time.sleep(0.05)
            return real(body)
        finally:
            with guard:
                inside[0] -= 1

    monkeypatch.setattr(service, "create_from_body", slow)
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: client.post("/simulations", json=BYSTANDER).status_code, range(8)))
    assert codes == [200] * 8 and peak[0] == 2
