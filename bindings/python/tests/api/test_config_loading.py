"""Test YAML configuration loading and validation."""
import pytest
import yaml
from pathlib import Path
from payment_simulator.config import load_config, SimulationConfig

def test_load_minimal_config(tmp_path):
    """Should load minimal valid config."""
    config_file = tmp_path / "test.yaml"
    config_file.write_text("""
simulation:
  ticks_per_day: 100
  num_days: 1
  seed: 12345

agents:
  - id: BANK_A
    balance: 1000000
    credit_limit: 500000
    policy:
      type: Fifo
""")

    config = load_config(config_file)
    assert config.simulation.ticks_per_day == 100
    assert len(config.agents) == 1
    assert config.agents[0].id == "BANK_A"

def test_reject_invalid_config(tmp_path):
    """Should raise ValidationError for invalid config."""
    config_file = tmp_path / "invalid.yaml"
    config_file.write_text("""
simulation:
  ticks_per_day: 0  # Invalid: must be positive
  num_days: 1
  seed: 12345
agents: []
""")

    with pytest.raises(ValueError, match="ticks_per_day must be positive"):
        load_config(config_file)

def test_convert_to_rust_format(tmp_path):
    """Should convert Pydantic model to Rust-compatible dict."""
    config_file = tmp_path / "test.yaml"
    config_file.write_text("""
simulation:
  ticks_per_day: 100
  num_days: 1
  seed: 12345

agents:
  - id: BANK_A
    balance: 1000000
    credit_limit: 500000
    policy:
      type: LiquidityAware
      target_buffer: 200000
      urgency_threshold: 5
""")

    config = load_config(config_file)
    rust_dict = config.to_rust_dict()

    # Verify structure matches what FFI expects
    assert "ticks_per_day" in rust_dict
    assert "agent_configs" in rust_dict
    assert rust_dict["agent_configs"][0]["policy"]["type"] == "LiquidityAware"
