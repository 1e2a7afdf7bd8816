"""The TOML writer tests hand deployment files to commands with (it lives in the core, which
the conformance kit ships with)."""

from core.toml_writer import toml_text

__all__ = ["toml_text"]
