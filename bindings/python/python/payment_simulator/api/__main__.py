"""``python -m payment_simulator.api`` is ``payment-sim-api``."""

from .main import main

raise SystemExit(main())
