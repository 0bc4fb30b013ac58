"""Classroom: the classes a facilitator runs on this desktop, their learners (local profiles or
campus accounts), planned sessions that cover chosen modules, and attendance per session.

`classes` keeps them in the learner store (a present or late local learner also gets an xAPI
"attended" statement, in the same transaction); `schedule` puts every planned session in the
calendar and writes them as RFC 5545 text; `campus_enrolment` makes enrolment codes of the
campus server for a class and enrols the learners who used them, and enrols a learner with one.
"""
