"""Session analysis: pure numpy functions used live (incrementally) and offline.

See docs/analysis.md for what each number means and how it is made.
"""

from spineball.analysis.advice import (
    Advice,
    InflationGuide,
    SessionSummary,
    inflation_advice,
    inflation_guide,
    starting_inflation_kpa,
)
from spineball.analysis.live import LiveAnalyzer, LiveSnapshot
from spineball.analysis.load import LoadModel, fit_model, load_model, uncalibrated_model
from spineball.analysis.orientation import Heading, align_to_body, estimate_heading, euler_zyx
from spineball.analysis.pipeline import SessionAnalysis, analyze_frames
from spineball.analysis.plan import DailyPlan, daily_plan
from spineball.analysis.report import analyze, analyze_session, render_text, report
from spineball.analysis.safety import SYMPTOM_ADVICE, Alarm, SymptomStop
from spineball.analysis.wizard import CalibrationWizard, WizardReply, WizardStep, kg_to_n

__all__ = [
    "SYMPTOM_ADVICE",
    "Advice",
    "Alarm",
    "CalibrationWizard",
    "DailyPlan",
    "Heading",
    "InflationGuide",
    "LiveAnalyzer",
    "LiveSnapshot",
    "LoadModel",
    "SessionAnalysis",
    "SessionSummary",
    "SymptomStop",
    "WizardReply",
    "WizardStep",
    "align_to_body",
    "analyze",
    "analyze_frames",
    "analyze_session",
    "daily_plan",
    "estimate_heading",
    "euler_zyx",
    "fit_model",
    "inflation_advice",
    "inflation_guide",
    "kg_to_n",
    "load_model",
    "render_text",
    "report",
    "starting_inflation_kpa",
    "uncalibrated_model",
]
