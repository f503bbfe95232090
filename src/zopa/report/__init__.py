"""Outputs: terminal tables, machine-readable summaries and the HTML report."""
