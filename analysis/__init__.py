"""Figures and tables from llmsweep results files (HDF5).

Run as ``python3 -m analysis report RESULTS.h5 [MORE.h5 ...] -o DIR``; see analysis/README.md.
"""

SUPPORTED_SCHEMA_VERSION = 1


class AnalysisError(Exception):
    """A problem with the input or output that the user can fix; printed as one line."""
