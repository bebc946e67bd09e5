"""The read side of the store (cosmicpython's ``views``): the queries use cases need,
one module per concept, each taking a unit of work and plain values and returning plain
values or records, never a SQLAlchemy statement."""
