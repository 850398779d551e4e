"""The insights app reads other apps' tables and keeps none of its own.

Speed comes from covering indexes on feedback_survey (migration 0001, PostgreSQL only) rather than
rollup tables: a quarter of surveys grouped by agent is answered from the index alone, and so the
figures are always live, in any time zone, with no refresh job to run or fall behind.
"""
