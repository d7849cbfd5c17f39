"""Where clients call up into the apps above them (core.hooks): they register in their `AppConfig.ready()`.

Appointments and payments point at a client, so scheduling and payments sit above clients; the client card and a
merge still need them. Scheduling and payments register here.
"""

from __future__ import annotations

from staffroom.core.hooks import Hook

# (actor, client, card, sees_money): each fills its own keys of the client card (visits; paid total and balance).
client_card_filled = Hook("clients: the client card's visits and money")

# (business, duplicate, keep) -> {"moved_<what>": count}: move what belongs to the duplicate over to `keep`,
# inside the merge's transaction; the counts go into the merge's security event.
client_merged = Hook("clients: a duplicate merged into the client kept")
