"""Django forms in NHS.UK markup: a crispy-forms template pack and the fields it needs.

It knows nothing of the product's domain, so every app may use it.
"""
