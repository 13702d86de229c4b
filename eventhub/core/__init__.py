"""The core every domain writes and reads through: config, db and the unit of work, models, errors, input types, text hygiene, audit, content version, outbox. It imports no domain."""
