"""The province service: collects every configured city's events from Kafka into its own
store (inbox-deduplicated) and serves cross-city views under ``/api/v1/province``.

It never reads a city's database; everything it knows arrived as an event.
"""
