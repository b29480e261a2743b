"""Person-on-ball simulator with ground truth (docs/simulator.md).

Generates what the ball measures — absolute pressure, sensor temperature and
orientation — for a person doing the thoracic-spine exercise, together with
what really happened (load, contact position, spots, side bends, lumbar
excursions, sway), so the analysis can be measured against truth.

    >>> from spineball.virtual.body import random_scenario, simulate
    >>> session = simulate(random_scenario(7))
    >>> session.samples, session.meta, session.truth["spots"]  # doctest: +SKIP
"""

from spineball.virtual.body.draw import random_scenario
from spineball.virtual.body.history import HISTORY_SCENARIOS, SimulatedHistory, simulate_history
from spineball.virtual.body.physics import AirBall
from spineball.virtual.body.render import SampleTruth
from spineball.virtual.body.script import PHASES
from spineball.virtual.body.session import (
    TRUTH_FORMAT,
    TRUTH_VERSION,
    SimulatedSession,
    simulate,
    truth_path,
)
from spineball.virtual.body.source import SimulatedSource
from spineball.virtual.body.specs import (
    BallSpec,
    Environment,
    PersonSpec,
    Scenario,
    ScriptSpec,
    SoreSpot,
    recommended_gauge_kpa,
)

__all__ = [
    "HISTORY_SCENARIOS",
    "PHASES",
    "TRUTH_FORMAT",
    "TRUTH_VERSION",
    "AirBall",
    "BallSpec",
    "Environment",
    "PersonSpec",
    "SampleTruth",
    "Scenario",
    "ScriptSpec",
    "SimulatedHistory",
    "SimulatedSession",
    "SimulatedSource",
    "SoreSpot",
    "random_scenario",
    "recommended_gauge_kpa",
    "simulate",
    "simulate_history",
    "truth_path",
]
