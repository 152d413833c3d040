"""What every page shares: sign-in and sessions, security headers and CSRF, error pages and problem documents,
formatting, input parsing, the navigation (`pages.py`) and the request's engine (`context.py`)."""
