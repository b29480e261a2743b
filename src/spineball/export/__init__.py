"""Exporting pressure logs (CSV + sidecar, JSON Lines, Parquet), reports and summaries."""

from spineball.export.formats import (
    ExportError,
    ExportFormat,
    ExportInput,
    GapSpan,
    write_export,
)

__all__ = ["ExportError", "ExportFormat", "ExportInput", "GapSpan", "write_export"]
