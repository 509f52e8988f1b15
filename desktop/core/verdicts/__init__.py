"""What a round's verdict is read from: a seat's peer-review ranking (``rankings``) and
what a blind round withholds until the author votes (``blinding``). Imports ``records``
only."""
