"""The campus server: an xAPI 1.0.3 LRS with accounts, classes and enrolment codes.

`stepcampus serve` runs it (app.py); `stepcampus admin` manages its accounts (accounts.py).
"""
