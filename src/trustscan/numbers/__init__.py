"""Numbers on their way out of a check: JSON-safe values (``json_safe``) and short display
strings for messages (``display``). One definition each, used by every family."""
