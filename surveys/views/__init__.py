"""Check-in pages, one module per group of pages. Thin: permissions decide, selectors read,
services write and audit.

- `filling`: starting, answering a few statements a page, checking, sending, the confirmation
- `link`: the one-time link a person opens with no account
- `journey`: a person's check-ins over time
- `staff_entry`: staff typing in a check-in given on paper or by phone
- `invitations`: inviting one person, or a coordinator's caseload
- `team_settings`: a team's check-in, cycle, link lifetime and reminder
- `withdraw`: withdrawing a sent check-in entered in error, with a reason
"""
