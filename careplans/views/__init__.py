"""Recovery plan pages. Permissions decide, selectors read, services write and audit.

Each edit page edits one thing. An edit that arrives after someone else saved the same thing
is refused by the service; the page then shows what is saved now beside what this person typed,
keeps their text in the form, and lets them save again once they have merged the two by hand
(`common.views.ConflictFormView`). The pages are grouped: the plan (`plan`), goals and steps
(`goals`), crisis contacts and supporters (`contacts`), agreement and reviews (`agreement`),
and agreed versions (`history`).
"""
