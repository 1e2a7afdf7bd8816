"""Marshmallow schemas: the one source of validation and of the OpenAPI document."""
