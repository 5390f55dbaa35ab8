"""GTM Planner: plan events and cold-opportunity plays, from roster to pipeline."""

__version__ = "0.1.0"
