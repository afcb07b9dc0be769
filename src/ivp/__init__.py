"""ivp: plan, monitor and account for integral safety policy."""

__version__ = "0.1.0"
