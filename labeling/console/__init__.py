"""The analyst console: an HTTP API (and, later, pages) over the miss queue and the models."""
from labeling.console.app import create_app
from labeling.console.auth import load_roles, load_tokens

__all__ = ["create_app", "load_roles", "load_tokens"]
