"""Cross-cutting plumbing shared by every Quzhou rules service.

Nothing in this package knows about dogs, houses, hospitals or vouchers: it
holds only what every service needs in the same shape (money rounding, dated
parameter files, identifiers, errors, request ids, logging, audit, identity).
"""
