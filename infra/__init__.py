"""Local infrastructure (real Apache Kafka, real PostgreSQL) for `make up`, tests and CI."""
