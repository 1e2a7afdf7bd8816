"""The city service's HTTP API under ``/api/v1``: blueprints and the operation registry."""
