"""Domain operations: plain functions taking the session, the city and the actor.

Each writes its change and its outbox event on the caller's session; the caller's
unit of work commits both or neither. Refusals raise :class:`core.problems.Problem`.
"""
