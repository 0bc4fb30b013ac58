"""Room accounts made by the facilitator's desktop on the hub's database: user names from
people's names or their campus accounts, one-time passwords that sign in once given, a lost
password replaced, and the desktop's own facilitator token kept and reused."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepcampus.hub.database import HubDatabase
from stepcampus.hub.room_accounts import desk_token, give_accounts, new_password, room_username
from stepcampus.server import accounts
from stepcampus.server.passwords import verify_password
from stepcampus.server.problems import Refused


def test_names_passwords_and_the_desk_token(tmp_path: Path) -> None:
    assert room_username("José Pérez") == "jose.perez"
    assert room_username("  N'Diaye, Awa ") == "n.diaye.awa"
    assert room_username("李") == "learner"
    db = HubDatabase(tmp_path / "hub.sqlite")
    try:
        made = give_accounts(db, [("José Pérez", None), ("Jose Perez", None),
                                  ("Amina Diallo", "amina.d")])
        assert [(a.username, a.password is not None) for a in made] == [
            ("jose.perez", True), ("jose.perez-2", True), ("amina.d", True)]
        with db.factory() as session:
            jose = accounts.find_account(session, "jose.perez")
            assert jose is not None and jose.role == "learner"
            assert jose.display_name == "José Pérez"
            assert verify_password(str(made[0].password), jose.password_hash)
        # Again: the accounts are kept, their passwords unknown (not shown, not changed).
        again = give_accounts(db, [("José Pérez", None)])
        assert [(a.username, a.password) for a in again] == [("jose.perez", None)]
        replaced = new_password(db, "jose.perez")
        with db.factory() as session:
            jose = accounts.find_account(session, "jose.perez")
            assert jose is not None and verify_password(replaced, jose.password_hash)
            assert not verify_password(str(made[0].password), jose.password_hash)
        with pytest.raises(Refused):
            new_password(db, "nobody")

        user, token = desk_token(db, "Fatou Diop")
        assert user == "fatou.diop"
        assert desk_token(db, "Fatou Diop") == (user, token)  # kept, not made again
        with db.factory() as session:
            found = accounts.account_for_token(session, token)
            assert found is not None and found[0].role == "facilitator"
        # A learner of that name does not become the facilitator's account.
        give_accounts(db, [("Kofi Mensah", None)])
        assert desk_token(db, "Kofi Mensah")[0] == "kofi.mensah-2"
    finally:
        db.close()
