"""Who may see and do what in the peer workforce, composed from `directory.permissions`.

HR staff the posts and roster every team of their trust; a peer support worker sees their own
rota, training and supervision, and the open shifts they could take; a worker's supervisor sees
their supervisees. What a worker chose to share about their lived experience is read by the
worker and HR only. Nothing here opens a person's clinical record.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from directory.choices import TrustRole
from directory.models import Team, User
from directory.permissions import roles_of, teams_visible_to

from .models import PeerPost, PeerWorker, Shift

_NOBODY = Q(pk__in=[])


def may_manage_workforce(user: User | object) -> bool:
    """HR: posts, workers, training and rotas across the trust."""
    return roles_of(user).has(TrustRole.HR)


def own_worker(user: User | object) -> PeerWorker | None:
    """The user's own peer worker record in their trust, if they have one."""
    roles = roles_of(user)
    if roles.trust_id is None or roles.user_id is None:
        return None
    return (
        PeerWorker.objects.select_related("user", "trust")
        .filter(user_id=roles.user_id, trust_id=roles.trust_id)
        .first()
    )


def may_use_own_rota(user: User | object) -> bool:
    """Peer support workers with a workforce record (the role is checked first, so that the
    header of every other role's pages costs no query)."""
    return bool(roles_of(user).peer_in) and own_worker(user) is not None


def rota_teams_visible_to(user: User | object) -> QuerySet[Team]:
    """The teams whose rota the user may open: every team of the trust, for HR."""
    if not may_manage_workforce(user):
        return Team.objects.none()
    return teams_visible_to(user)


def workers_condition(user: User | object) -> Q:
    roles = roles_of(user)
    if roles.trust_id is None:
        return _NOBODY
    if may_manage_workforce(user):
        return Q(trust_id=roles.trust_id)
    return Q(trust_id=roles.trust_id) & (Q(user_id=roles.user_id) | Q(supervisor_id=roles.user_id))


def workers_visible_to(user: User | object) -> QuerySet[PeerWorker]:
    """HR: the trust's peer workers; a worker: themselves; a supervisor: their supervisees."""
    return PeerWorker.objects.filter(workers_condition(user))


def can_view_worker(user: User | object, worker: PeerWorker) -> bool:
    roles = roles_of(user)
    if roles.trust_id is None or worker.trust_id != roles.trust_id:
        return False
    return (
        may_manage_workforce(user)
        or worker.user_id == roles.user_id
        or worker.supervisor_id == roles.user_id
    )


def can_read_lived_experience(user: User | object, worker: PeerWorker) -> bool:
    """Only the worker and HR: never their supervisor, team or anyone else."""
    roles = roles_of(user)
    if roles.trust_id is None or worker.trust_id != roles.trust_id:
        return False
    return worker.user_id == roles.user_id or may_manage_workforce(user)


def shifts_visible_to(user: User | object) -> QuerySet[Shift]:
    """HR: the trust's shifts; a worker: their own and the trust's open ones."""
    roles = roles_of(user)
    if roles.trust_id is None:
        return Shift.objects.none()
    if may_manage_workforce(user):
        return Shift.objects.filter(trust_id=roles.trust_id)
    worker = own_worker(user)
    if worker is None:
        return Shift.objects.none()
    return Shift.objects.filter(trust_id=roles.trust_id).filter(
        Q(worker=worker) | Q(worker__isnull=True)
    )


def can_roster(
    user: User | object, shift: Shift | None = None, *, team: Team | None = None
) -> bool:
    """HR rosters the shifts of their own trust's teams."""
    if not may_manage_workforce(user):
        return False
    trust_id = roles_of(user).trust_id
    target = shift.trust_id if shift is not None else team.trust_id if team is not None else None
    return target == trust_id


def can_take_shift(user: User | object, shift: Shift) -> bool:
    """A peer worker may take an open shift of their own trust."""
    worker = own_worker(user)
    return worker is not None and shift.trust_id == worker.trust_id and shift.worker_id is None


def posts_visible_to(user: User | object) -> QuerySet[PeerPost]:
    """HR: the peer posts of their trust's teams."""
    trust_id = roles_of(user).trust_id
    if trust_id is None or not may_manage_workforce(user):
        return PeerPost.objects.none()
    return PeerPost.objects.filter(trust_id=trust_id)
