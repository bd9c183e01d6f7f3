"""What every app shares and no app owns: no domain rules, only mechanics.

Optimistic concurrency, days and months in the trust's time zone, and the mapping of errors
onto forms and API answers. Every domain app may import this; it imports none of them.
"""
