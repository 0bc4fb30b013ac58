"""The LAN hub (`stepcampus hub`): a facilitator's desktop serving a room.

It serves the packages installed in its data folder as a published tree (content.py), is the
room's xAPI LRS with its own accounts (the campus server's code on its own database,
database.py), forwards what learners send to the campus server exactly once (queue.py,
forward.py, upstream.py), announces itself on the network (discovery.py) and takes newer
versions of courses from learners, verified as any install is (offer.py), and runs quizzes
with the room (room.py). app.py puts the web app together.
"""
