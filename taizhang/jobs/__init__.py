"""Background jobs kept in the database, safe to run from several processes or hosts at once.

``service`` enqueues and claims jobs (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite: a write
transaction, which SQLite runs one at a time); ``worker`` runs the claimed jobs' handlers in a loop.
"""
