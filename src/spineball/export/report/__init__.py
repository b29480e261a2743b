"""Session reports for people and clinicians (matplotlib, the ``[report]`` extra).

data = report_data(db, session_id, person="J.D.")
render_report(data, Path("report.pdf"))     # or .html (images embedded), .png (one tall image)
"""

from spineball.export.report.data import ReportData, report_data
from spineball.export.report.render import REPORT_SUFFIXES, render_report, render_reports

__all__ = ["REPORT_SUFFIXES", "ReportData", "render_report", "render_reports", "report_data"]
