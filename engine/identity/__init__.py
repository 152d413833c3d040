"""Staff accounts and tokens, server-side web sessions, the login lockout."""
