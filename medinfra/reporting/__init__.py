"""Reporters' web forms with server-side drafts, and the verifiers' queue."""
