"""How long personal data is kept, and the citizen's rights to see and erase it.

- ``policy``: the periods per site (``CounterSettings``);
- ``anonymise``: what forgetting means for each kind of row (shared by the job and an erasure);
- ``steps`` and ``job``: the daily job ``apply_retention``;
- ``audit``: retention of the append-only audit log;
- ``rights``: find, export and erase everything held about one citizen.
"""
